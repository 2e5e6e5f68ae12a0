//! A streaming reader of `multipart/form-data` bodies (RFC 7578, RFC 2046 §5.1): fed the body's
//! chunks as they arrive, it hands each part's bytes to a [`Sink`] without holding a part in
//! memory. It keeps at most one delimiter's length of bytes between chunks, plus a part's
//! headers (at most [`MAX_HEADERS`] bytes).
//!
//! Only what an upload needs: whether a part carries a file (`filename=` in its
//! Content-Disposition) and its bytes. Names and file names are not returned: the server never
//! uses a path the browser sends.

/// The largest header block of one part.
pub(crate) const MAX_HEADERS: usize = 8 * 1024;

/// What the reader does with the parts.
pub(crate) trait Sink {
    type Error;
    /// A part begins; `file` is whether its Content-Disposition names a file.
    fn start(&mut self, file: bool) -> Result<(), Self::Error>;
    /// Bytes of the current part, in order.
    fn data(&mut self, bytes: &[u8]) -> Result<(), Self::Error>;
    /// The current part is complete.
    fn end(&mut self) -> Result<(), Self::Error>;
}

/// Why a body is not `multipart/form-data`, or the sink's own error.
#[derive(Debug, PartialEq)]
pub(crate) enum Error<E> {
    /// The body breaks the format (the message says where).
    Malformed(&'static str),
    Sink(E),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Before the first delimiter.
    Preamble,
    /// Just after a delimiter: `--` (the end) or a line break (a part follows).
    AfterDelimiter,
    Headers,
    Body,
    /// After the closing delimiter: the epilogue is ignored.
    Done,
}

/// The reader of one body.
pub(crate) struct Reader {
    /// `\r\n--BOUNDARY`.
    delimiter: Vec<u8>,
    buf: Vec<u8>,
    state: State,
}

/// The boundary of a `Content-Type: multipart/form-data; boundary=…` header value.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    let kind = parts.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parts.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim().trim_matches('"');
        // RFC 2046: 1 to 70 characters.
        (!value.is_empty() && value.len() <= 70).then(|| value.to_string())
    })
}

impl Reader {
    pub(crate) fn new(boundary: &str) -> Self {
        Self {
            delimiter: [b"\r\n--".as_slice(), boundary.as_bytes()].concat(),
            // The first delimiter has no line break before it: one is supplied.
            buf: b"\r\n".to_vec(),
            state: State::Preamble,
        }
    }

    /// Reads the next chunk of the body.
    pub(crate) fn feed<S: Sink>(
        &mut self,
        chunk: &[u8],
        sink: &mut S,
    ) -> Result<(), Error<S::Error>> {
        self.buf.extend_from_slice(chunk);
        let mut at = 0;
        loop {
            let rest = &self.buf[at..];
            match self.state {
                State::Preamble => match find(rest, &self.delimiter) {
                    Some(i) => {
                        at += i + self.delimiter.len();
                        self.state = State::AfterDelimiter;
                    }
                    None => {
                        at += rest.len().saturating_sub(self.delimiter.len() - 1);
                        break;
                    }
                },
                State::AfterDelimiter => {
                    if rest.len() < 2 {
                        break;
                    }
                    if rest.starts_with(b"--") {
                        self.state = State::Done;
                    } else if rest.starts_with(b"\r\n") {
                        at += 2;
                        self.state = State::Headers;
                    } else {
                        return Err(Error::Malformed(
                            "a boundary is followed by neither a line break nor `--`",
                        ));
                    }
                }
                State::Headers => {
                    let (headers, used) = if rest.starts_with(b"\r\n") {
                        (&rest[..0], 2)
                    } else {
                        match find(rest, b"\r\n\r\n") {
                            Some(i) => (&rest[..i], i + 4),
                            None if rest.len() > MAX_HEADERS => {
                                return Err(Error::Malformed(
                                    "a part's headers are longer than 8 KB",
                                ));
                            }
                            None => break,
                        }
                    };
                    if headers.len() > MAX_HEADERS {
                        return Err(Error::Malformed("a part's headers are longer than 8 KB"));
                    }
                    sink.start(names_a_file(headers)).map_err(Error::Sink)?;
                    at += used;
                    self.state = State::Body;
                }
                State::Body => match find(rest, &self.delimiter) {
                    Some(i) => {
                        sink.data(&rest[..i]).map_err(Error::Sink)?;
                        sink.end().map_err(Error::Sink)?;
                        at += i + self.delimiter.len();
                        self.state = State::AfterDelimiter;
                    }
                    None => {
                        // Keep what could be the start of a delimiter.
                        let safe = rest.len().saturating_sub(self.delimiter.len() - 1);
                        if safe > 0 {
                            sink.data(&rest[..safe]).map_err(Error::Sink)?;
                        }
                        at += safe;
                        break;
                    }
                },
                State::Done => {
                    at = self.buf.len();
                    break;
                }
            }
        }
        self.buf.drain(..at);
        Ok(())
    }

    /// The body ended: it must have closed its last part.
    pub(crate) fn finish<E>(&self) -> Result<(), Error<E>> {
        match self.state {
            State::Done => Ok(()),
            State::Preamble => Err(Error::Malformed("no part: the boundary never appears")),
            _ => Err(Error::Malformed(
                "the body ends inside a part (the upload was cut off)",
            )),
        }
    }
}

/// Whether a part's headers give a `filename` in Content-Disposition.
fn names_a_file(headers: &[u8]) -> bool {
    String::from_utf8_lossy(headers).split("\r\n").any(|line| {
        let Some((name, value)) = line.split_once(':') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("content-disposition")
            && value.split(';').any(|p| {
                p.split_once('=')
                    .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("filename"))
            })
    })
}

/// The first position of `needle` in `hay` (scanning for its first byte).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if hay.len() - at < needle.len() {
            return None;
        }
        if &hay[at..at + needle.len()] == needle {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects parts: (is a file, bytes).
    #[derive(Default)]
    struct Parts(Vec<(bool, Vec<u8>)>, bool);

    impl Sink for Parts {
        type Error = ();
        fn start(&mut self, file: bool) -> Result<(), ()> {
            assert!(!self.1, "a part began inside another");
            self.1 = true;
            self.0.push((file, Vec::new()));
            Ok(())
        }
        fn data(&mut self, bytes: &[u8]) -> Result<(), ()> {
            assert!(self.1, "data outside a part");
            self.0.last_mut().ok_or(())?.1.extend_from_slice(bytes);
            Ok(())
        }
        fn end(&mut self) -> Result<(), ()> {
            self.1 = false;
            Ok(())
        }
    }

    /// A body as Chromium writes it for `<input type=file multiple>` plus a text field.
    fn body(boundary: &str, files: &[&[u8]]) -> Vec<u8> {
        let mut b = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
        )
        .into_bytes();
        for (n, f) in files.iter().enumerate() {
            b.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"../../etc/x{n}.dcm\"\r\nContent-Type: application/dicom\r\n\r\n"
                )
                .as_bytes(),
            );
            b.extend_from_slice(f);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(format!("--{boundary}--\r\nepilogue").as_bytes());
        b
    }

    fn read(body: &[u8], boundary: &str, chunk: usize) -> Result<Parts, Error<()>> {
        let mut r = Reader::new(boundary);
        let mut parts = Parts::default();
        for c in body.chunks(chunk.max(1)) {
            r.feed(c, &mut parts)?;
        }
        r.finish()?;
        Ok(parts)
    }

    #[test]
    fn parts_are_read_whole_at_every_chunk_size() {
        let b = "----WebKitFormBoundaryAbC123";
        // File bytes that hold line breaks, dashes and a near-delimiter.
        let f1: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        let f2 = format!("\r\n--{}X\r\n--", &b[..20]).into_bytes();
        let f3 = Vec::new();
        let text = body(b, &[&f1, &f2, &f3]);
        for chunk in [1, 2, 3, 7, 31, 64, 1000, text.len()] {
            let parts = read(&text, b, chunk).unwrap_or_else(|e| panic!("{chunk}: {e:?}"));
            let want = vec![
                (false, b"hello".to_vec()),
                (true, f1.clone()),
                (true, f2.clone()),
                (true, f3.clone()),
            ];
            assert_eq!(parts.0, want, "chunk {chunk}");
        }
    }

    #[test]
    fn broken_bodies_are_refused() {
        let b = "xyz";
        let full = body(b, &[b"abc"]);
        // Cut off inside a part.
        let cut = &full[..full.len() - 20];
        assert!(matches!(read(cut, b, 5), Err(Error::Malformed(m)) if m.contains("cut off")));
        // No boundary at all.
        assert!(
            matches!(read(b"just text", b, 4), Err(Error::Malformed(m)) if m.contains("never"))
        );
        // Garbage after a delimiter.
        assert!(read(b"--xyzQQ", b, 3).is_err());
        // Endless headers.
        let mut long = b"--xyz\r\nX: ".to_vec();
        long.extend(std::iter::repeat_n(b'a', MAX_HEADERS + 10));
        assert!(matches!(read(&long, b, 100), Err(Error::Malformed(m)) if m.contains("8 KB")));
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----WebKitFormBoundaryx").as_deref(),
            Some("----WebKitFormBoundaryx")
        );
        assert_eq!(
            boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("application/json"), None);
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(
            boundary(&format!("multipart/form-data; boundary={}", "a".repeat(71))),
            None
        );
    }
}
