//! Load generator for `vascalc serve` (std threads, raw HTTP/1.1 with keep-alive; no client
//! library). Run through scripts/bench-web.sh, which starts the server on a ten-year record.
//!
//! ```text
//! cargo bench -p vascalc-web --bench load -- latency PORT N PATH...
//!     N sequential requests per path: client and server (Server-Timing) p50/p99/max.
//! cargo bench -p vascalc-web --bench load -- page PORT N PATH...
//!     N loads of one page: the paths (its HTML and the API calls its script makes) one after
//!     the other on one connection; p50/p99/max of the sum (a browser makes some at once, so
//!     an upper bound) and the bytes.
//! cargo bench -p vascalc-web --bench load -- concurrent PORT CLIENTS SECONDS PATH...
//!     CLIENTS connections, each cycling through the paths for SECONDS: requests, errors,
//!     client p50/p99/max over every request.
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Client {
    port: u16,
    reader: BufReader<TcpStream>,
}

struct Answer {
    status: u16,
    /// Server-Timing app;dur in milliseconds.
    server_ms: Option<f64>,
    bytes: usize,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Self> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Self {
            port,
            reader: BufReader::new(s),
        })
    }

    fn get(&mut self, path: &str) -> std::io::Result<Answer> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: */*\r\n\r\n",
            self.port
        );
        self.reader.get_mut().write_all(request.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut length = None;
        let mut chunked = false;
        let mut server_ms = None;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let Some((name, value)) = l.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "server-timing" => {
                    server_ms = value
                        .split(';')
                        .find_map(|p| p.trim().strip_prefix("dur="))
                        .and_then(|d| d.parse().ok());
                }
                _ => {}
            }
        }
        let mut bytes = 0;
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                let mut buf = vec![0; size + 2];
                self.reader.read_exact(&mut buf)?;
                bytes += size;
                if size == 0 {
                    break;
                }
            }
        } else if let Some(n) = length {
            let mut buf = vec![0; n];
            self.reader.read_exact(&mut buf)?;
            bytes = n;
        }
        Ok(Answer {
            status,
            server_ms,
            bytes,
        })
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn summary(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!(
        "p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        percentile(&v, 50.0),
        percentile(&v, 99.0),
        v.last().copied().unwrap_or(f64::NAN)
    )
}

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn latency(port: u16, n: usize, paths: &[String]) -> Result<(), String> {
    let mut c = Client::connect(port).map_err(|e| e.to_string())?;
    println!("sequential, {n} requests per route, one keep-alive connection:");
    let mut all_client = Vec::new();
    let mut all_server = Vec::new();
    for path in paths {
        // Warm-up: the first request of a route pays one-off costs (first page of the
        // database, lazy tables).
        for _ in 0..3 {
            c.get(path).map_err(|e| e.to_string())?;
        }
        let mut client = Vec::with_capacity(n);
        let mut server = Vec::with_capacity(n);
        let mut bytes = 0;
        for _ in 0..n {
            let t = Instant::now();
            let a = c.get(path).map_err(|e| format!("{path}: {e}"))?;
            client.push(t.elapsed().as_secs_f64() * 1e3);
            if a.status != 200 {
                return Err(format!("{path}: status {}", a.status));
            }
            server.extend(a.server_ms);
            bytes = a.bytes;
        }
        all_client.extend_from_slice(&client);
        all_server.extend_from_slice(&server);
        println!(
            "  {path:<40} {:>8} B  client {}  | server {}",
            bytes,
            summary(client),
            summary(server)
        );
    }
    println!(
        "  all {} routes: client {}  | server {}",
        paths.len(),
        summary(all_client),
        summary(all_server)
    );
    Ok(())
}

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn page(port: u16, n: usize, paths: &[String]) -> Result<(), String> {
    let mut c = Client::connect(port).map_err(|e| e.to_string())?;
    let load = |c: &mut Client| -> Result<(f64, usize), String> {
        let t = Instant::now();
        let mut bytes = 0;
        for path in paths {
            let a = c.get(path).map_err(|e| format!("{path}: {e}"))?;
            if a.status != 200 {
                return Err(format!("{path}: status {}", a.status));
            }
            bytes += a.bytes;
        }
        Ok((t.elapsed().as_secs_f64() * 1e3, bytes))
    };
    for _ in 0..3 {
        load(&mut c)?;
    }
    let mut times = Vec::with_capacity(n);
    let mut bytes = 0;
    for _ in 0..n {
        let (ms, b) = load(&mut c)?;
        times.push(ms);
        bytes = b;
    }
    println!(
        "  page of {} requests, {n} loads: {bytes} B  client {}",
        paths.len(),
        summary(times)
    );
    Ok(())
}

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn concurrent(port: u16, clients: usize, secs: u64, paths: &[String]) -> Result<(), String> {
    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    let handles: Vec<_> = (0..clients)
        .map(|k| {
            let paths = paths.to_vec();
            std::thread::spawn(move || {
                let mut times = Vec::new();
                let mut errors = Vec::new();
                let mut c = match Client::connect(port) {
                    Ok(c) => c,
                    Err(e) => return (times, vec![e.to_string()]),
                };
                let mut i = k;
                while Instant::now() < until {
                    let path = &paths[i % paths.len()];
                    i += 1;
                    let t = Instant::now();
                    match c.get(path) {
                        Ok(a) if a.status == 200 => times.push(t.elapsed().as_secs_f64() * 1e3),
                        Ok(a) => errors.push(format!("{path}: status {}", a.status)),
                        Err(e) => {
                            errors.push(format!("{path}: {e}"));
                            match Client::connect(port) {
                                Ok(n) => c = n,
                                Err(e) => {
                                    errors.push(e.to_string());
                                    break;
                                }
                            }
                        }
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = Vec::new();
    for h in handles {
        let (t, e) = h
            .join()
            .map_err(|_| "a client thread panicked".to_string())?;
        all.extend(t);
        errors.extend(e);
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{clients} concurrent clients for {elapsed:.1} s over {} routes: {} requests ({:.0}/s), {} errors; client {}",
        paths.len(),
        all.len(),
        all.len() as f64 / elapsed,
        errors.len(),
        summary(all)
    );
    for e in errors.iter().take(5) {
        println!("  error: {e}");
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} errors", errors.len()))
    }
}

#[expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "a benchmark prints its figures"
)]
fn main() {
    // `cargo bench` passes --bench; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let usage = "usage: load latency PORT N PATH... | load page PORT N PATH... | \
                 load concurrent PORT CLIENTS SECONDS PATH...";
    let num = |i: usize| -> u64 {
        args.get(i).and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            eprintln!("{usage}");
            std::process::exit(2)
        })
    };
    let result = match args.first().map(String::as_str) {
        Some("latency") => latency(num(1) as u16, num(2) as usize, &args[3..]),
        Some("page") => page(num(1) as u16, num(2) as usize, &args[3..]),
        Some("concurrent") => concurrent(num(1) as u16, num(2) as usize, num(3), &args[4..]),
        _ => {
            // Without arguments (as `cargo bench --workspace` runs it) there is nothing to load.
            println!("{usage}");
            return;
        }
    };
    if let Err(e) = result {
        eprintln!("load: {e}");
        std::process::exit(1);
    }
}
