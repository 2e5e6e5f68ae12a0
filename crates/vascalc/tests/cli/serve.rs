//! End-to-end: `vascalc serve` as a process on a loopback port, spoken to over raw HTTP/1.1.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A running `vascalc serve --port 0`, killed when dropped.
struct Serve {
    child: Child,
    port: u16,
}

impl Serve {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vascalc"))
            .args(["serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // "vascalc serve: http://127.0.0.1:PORT/  (Ctrl-C stops it)"
        let start = line.find("http://127.0.0.1:").expect(&line) + "http://127.0.0.1:".len();
        let end = start + line[start..].find('/').unwrap();
        let port = line[start..end].parse().unwrap();
        Self { child, port }
    }

    /// Sends `head` (request line and headers, without the blank line) and returns the status
    /// and the whole answer.
    fn request(&self, head: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(s, "{head}\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        let status = answer[9..12].parse().unwrap();
        (status, answer)
    }

    /// Stops the server and returns what it wrote on standard error.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_non_loopback_bind_is_refused_with_the_reason() {
    for addr in ["0.0.0.0", "::", "192.0.2.1"] {
        let out = Command::new(env!("CARGO_BIN_EXE_vascalc"))
            .args(["serve", "--bind", addr, "--port", "0"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{addr}: {err}");
        assert!(err.contains("loopback"), "{err}");
        assert!(err.contains(addr), "{err}");
    }
}

#[test]
fn serves_pages_and_food_search_and_refuses_foreign_hosts_and_bare_writes() {
    let s = Serve::start();
    let host = format!("Host: 127.0.0.1:{}", s.port);

    let (status, page) = s.request(&format!("GET /food HTTP/1.1\r\n{host}"));
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<meta name=\"vascalc-token\" content=\""));
    // A token of 32 hex digits, drawn per launch.
    let at = page.find("vascalc-token\" content=\"").unwrap() + 24;
    let token = &page[at..at + 32];
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");

    let (status, body) = s.request(&format!(
        "GET /api/foods?q=secretfoodword%20natto HTTP/1.1\r\n{host}"
    ));
    assert_eq!(status, 200, "{body}");

    let (status, body) = s.request("GET /api/foods?q=natto HTTP/1.1\r\nHost: attacker.example");
    assert_eq!(status, 421, "{body}");

    let (status, body) = s.request(&format!(
        "POST /api/foods HTTP/1.1\r\n{host}\r\nOrigin: http://127.0.0.1:{}\r\nContent-Length: 0",
        s.port
    ));
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("X-Vascalc-Token"), "{body}");

    // The log names the route template and status, never the query.
    let log = s.stop();
    assert!(log.contains("GET /api/foods 200 "), "{log}");
    assert!(log.contains("GET /food 200 "), "{log}");
    assert!(!log.contains("secretfoodword"), "{log}");
    assert!(!log.contains(token), "{log}");
}
