//! Test support: reads the SVG and HTML the crate writes back as XML (they are written
//! well-formed), so that tests inspect elements and attributes instead of matching text.

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::Event;

/// One element: its name, attributes, the names of its ancestors and its text (its own and its
/// descendants').
#[derive(Debug, Clone)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    pub ancestors: Vec<String>,
    pub text: String,
}

impl Element {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
    pub(crate) fn class(&self) -> &str {
        self.attr("class").unwrap_or("")
    }
    pub(crate) fn within(&self, name_or_class: &str) -> bool {
        self.ancestors.iter().any(|a| a == name_or_class)
    }
}

/// Every element of `xml` in document order; panics (failing the test) if it is not well-formed.
pub(crate) fn parse(xml: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out: Vec<Element> = Vec::new();
    // Indices into `out` of the open elements.
    let mut open: Vec<usize> = Vec::new();
    let push_text = |out: &mut Vec<Element>, open: &[usize], t: &str| {
        for &i in open {
            out[i].text.push_str(t);
        }
    };
    loop {
        let ev = reader.read_event().unwrap_or_else(|e| {
            panic!(
                "not well-formed at byte {}: {e}\n{}",
                reader.buffer_position(),
                &xml[..(reader.buffer_position() as usize).min(xml.len())]
                    .chars()
                    .rev()
                    .take(300)
                    .collect::<String>()
                    .chars()
                    .rev()
                    .collect::<String>()
            )
        });
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attribute");
                        (
                            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                            a.decode_and_unescape_value(reader.decoder())
                                .expect("attribute value")
                                .into_owned(),
                        )
                    })
                    .collect::<BTreeMap<_, _>>();
                let mut ancestors = Vec::new();
                for &i in &open {
                    ancestors.push(out[i].name.clone());
                    for c in out[i].class().split_whitespace() {
                        ancestors.push(c.to_owned());
                    }
                }
                out.push(Element {
                    name,
                    attrs,
                    ancestors,
                    text: String::new(),
                });
                if !empty {
                    open.push(out.len() - 1);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                let t = t.decode().expect("utf-8");
                push_text(&mut out, &open, &t);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().expect("utf-8");
                let t = match name.as_ref() {
                    "amp" => "&".to_owned(),
                    "lt" => "<".to_owned(),
                    "gt" => ">".to_owned(),
                    "quot" => "\"".to_owned(),
                    "apos" => "'".to_owned(),
                    _ => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .unwrap_or_else(|| panic!("unknown entity &{name};")),
                };
                push_text(&mut out, &open, &t);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements");
    out
}
