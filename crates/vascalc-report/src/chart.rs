//! SVG charts on a time axis, as strings: the CAC history (observed scans, the expected trajectory
//! as a band, interventions as spans on the same axis) and a line chart per measure.
//!
//! Pure functions: data in, one `<svg>` element out, with its own `<title>` and `<desc>` (read by
//! screen readers), `role="img"` and inline presentation attributes (no stylesheet needed, so a
//! page can embed the SVG as it is). Print friendly: black and greys only, and nothing is told by
//! colour alone — every series has its own marker or dash pattern, the values are written beside
//! the points and the legend says what each mark is. Non-finite values are left out, never drawn.

use std::fmt::Write as _;

use vascalc_clinical::progression::ExpectedScore;
use vascalc_domain::Date;
use vascalc_domain::date::DateExt;

use crate::html::{esc, num, whole};

/// One observed CAC score.
#[derive(Debug, Clone, PartialEq)]
pub struct CacPoint {
    pub date: Date,
    pub agatston: f64,
}

/// A medication, supplement or habit from `start` to `end` (ongoing when `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub label: String,
    pub start: Date,
    pub end: Option<Date>,
}

/// What [`cac_chart`] draws.
#[derive(Debug, Clone, PartialEq)]
pub struct CacChart<'a> {
    /// Prefix of the ids of the SVG's title and description (unique in the page).
    pub id: &'a str,
    /// Scores that are final (reviewed or typed from a report); others are not drawn.
    pub scans: &'a [CacPoint],
    /// The expected trajectory after `band_baseline`, from vascalc-clinical
    /// (`progression::expected_trajectory`): drawn as a band with the expected score dashed.
    pub band: &'a [(Date, ExpectedScore)],
    /// The scan the band starts from.
    pub band_baseline: Option<Date>,
    pub interventions: &'a [Span],
    /// The time axis.
    pub from: Date,
    pub to: Date,
}

/// A measure over time.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart<'a> {
    pub id: &'a str,
    /// What is measured, e.g. "LDL cholesterol".
    pub title: &'a str,
    pub unit: &'a str,
    pub points: &'a [(Date, f64)],
}

const WIDTH: f64 = 720.0;
/// Line charts sit two to a row: a narrower canvas keeps their text as large as the CAC chart's.
const SMALL_WIDTH: f64 = 420.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 40.0;
const PLOT_HEIGHT: f64 = 220.0;
const AXIS_LABELS: f64 = 36.0;
const LANE: f64 = 26.0;

const INK: &str = "#000";
const GREY: &str = "#555";
const BAND_FILL: &str = "#d9d9d9";

/// A linear map from a domain to pixels.
#[derive(Debug, Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    p0: f64,
    p1: f64,
}

impl Scale {
    fn at(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span.abs() < f64::EPSILON {
            (self.p0 + self.p1) / 2.0
        } else {
            self.p0 + (v - self.d0) / span * (self.p1 - self.p0)
        }
    }
}

/// Evenly spaced "nice" ticks (1, 2, 2.5 or 5 × 10ⁿ apart) covering `lo..=hi`, about `n` of them.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        return Vec::new();
    }
    let (lo, hi) = if (hi - lo).abs() < f64::EPSILON {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Decimals that show ticks `step` apart exactly.
fn tick_decimals(ticks: &[f64]) -> usize {
    let step = match ticks {
        [a, b, ..] => b - a,
        _ => 1.0,
    };
    (0..4)
        .find(|d| {
            let f = 10f64.powi(*d);
            ((step * f).round() - step * f).abs() < 1e-6
        })
        .unwrap_or(3) as usize
}

/// Ticks on a time axis: 1 January of each year (every 2, 5 or 10 years on long axes), or the
/// first of every 1, 3 or 6 months on short ones, with their labels.
pub fn time_ticks(from: Date, to: Date) -> Vec<(Date, String)> {
    let days = to.days_since(from);
    if days <= 0 {
        return vec![(from, from.to_string())];
    }
    let years = f64::from(days) / 365.25;
    let mut out = Vec::new();
    if years > 2.5 {
        let step = [1, 2, 5, 10]
            .into_iter()
            .find(|s| years / f64::from(*s) <= 10.0)
            .unwrap_or(20);
        let mut y = i32::from(from.year()) + 1;
        if vascalc_domain::date::from_ymd(i32::from(from.year()), 1, 1) == Some(from) {
            y -= 1;
        }
        while let Some(d) = vascalc_domain::date::from_ymd(y, 1, 1) {
            if d > to {
                break;
            }
            if y % step == 0 || step == 1 {
                out.push((d, y.to_string()));
            }
            y += 1;
        }
    } else {
        let step = if years > 1.25 {
            6
        } else if years > 0.5 {
            3
        } else {
            1
        };
        let (mut y, mut m, _) = from.ymd();
        while let Some(d) = vascalc_domain::date::from_ymd(y, m, 1) {
            if d > to {
                break;
            }
            if d >= from && (m - 1) % step == 0 {
                out.push((d, format!("{y}-{m:02}")));
            }
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
    }
    out
}

fn svg_open(s: &mut String, id: &str, (width, height): (f64, f64), title: &str, desc: &str) {
    let id = esc(id);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         aria-labelledby=\"{id}-title {id}-desc\" font-family=\"sans-serif\" font-size=\"11\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

fn y_axis(s: &mut String, y: &Scale, ticks: &[f64], unit: &str, width: f64) {
    let dec = tick_decimals(ticks);
    let _ = write!(s, "<g class=\"y-axis\" text-anchor=\"end\">");
    for t in ticks {
        let py = y.at(*t);
        let _ = write!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#ccc\" \
             stroke-width=\"0.5\"/><text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\">{t:.dec$}</text>",
            width - RIGHT,
            LEFT - 6.0,
            py + 4.0
        );
    }
    let _ = write!(
        s,
        "<text class=\"unit\" x=\"{LEFT}\" y=\"{:.1}\" text-anchor=\"start\">{}</text></g>",
        TOP - 10.0,
        esc(unit)
    );
}

fn x_axis(
    s: &mut String,
    x: &Scale,
    (from, to): (Date, Date),
    (top, bottom): (f64, f64),
    width: f64,
) {
    let _ = write!(
        s,
        "<g class=\"x-axis\" text-anchor=\"middle\"><line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{bottom:.1}\" \
         y2=\"{bottom:.1}\" stroke=\"{INK}\"/>",
        width - RIGHT
    );
    for (d, label) in time_ticks(from, to) {
        let px = x.at(f64::from(d.days_since(from)));
        let _ = write!(
            s,
            "<line x1=\"{px:.1}\" x2=\"{px:.1}\" y1=\"{top:.1}\" y2=\"{:.1}\" stroke=\"#ccc\" \
             stroke-width=\"0.5\"/><text class=\"tick\" x=\"{px:.1}\" y=\"{:.1}\">{label}</text>",
            bottom + 4.0,
            bottom + 16.0
        );
    }
    s.push_str("</g>");
}

fn finite_points(points: &[(Date, f64)]) -> Vec<(Date, f64)> {
    let mut v: Vec<(Date, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    v.sort_by_key(|(d, _)| *d);
    v
}

/// The axis `from..to` widened to at least 60 days so that a single date still has room.
fn time_domain(from: Date, to: Date) -> (Date, Date) {
    let (from, to) = if to < from { (to, from) } else { (from, to) };
    if to.days_since(from) < 60 {
        (from.add_days(-30), to.add_days(30))
    } else {
        (from, to)
    }
}

/// CAC over time: the observed scans as points joined by a line with their scores written above,
/// the expected trajectory as a grey band (the range `vascalc progress` calls "within") with the
/// expected score dashed, and each intervention as a labelled bar below on the same time axis.
pub fn cac_chart(c: &CacChart) -> String {
    let scans: Vec<(Date, f64)> = finite_points(
        &c.scans
            .iter()
            .map(|p| (p.date, p.agatston))
            .collect::<Vec<_>>(),
    );
    let band: Vec<&(Date, ExpectedScore)> = c
        .band
        .iter()
        .filter(|(_, e)| e.low.is_finite() && e.high.is_finite() && e.expected.is_finite())
        .collect();
    let (from, to) = time_domain(c.from, c.to);
    let lanes = c.interventions.len() as f64;
    let plot_bottom = TOP + PLOT_HEIGHT;
    let lanes_top = plot_bottom + AXIS_LABELS;
    let height = lanes_top
        + if lanes > 0.0 {
            16.0 + lanes * LANE
        } else {
            0.0
        }
        + 8.0;

    let max = scans
        .iter()
        .map(|(_, v)| *v)
        .chain(band.iter().map(|(_, e)| e.high))
        .fold(0.0f64, f64::max);
    let yticks = nice_ticks(0.0, if max > 0.0 { max * 1.08 } else { 10.0 }, 5);
    let ymax = yticks.last().copied().unwrap_or(10.0);
    let y = Scale {
        d0: 0.0,
        d1: ymax,
        p0: plot_bottom,
        p1: TOP,
    };
    let x = Scale {
        d0: 0.0,
        d1: f64::from(to.days_since(from)),
        p0: LEFT,
        p1: WIDTH - RIGHT,
    };
    let px = |d: Date| x.at(f64::from(d.days_since(from).clamp(0, to.days_since(from))));

    let mut desc = String::from("Coronary artery calcium (Agatston) by scan date: ");
    desc.push_str(
        &scans
            .iter()
            .map(|(d, v)| format!("{d}: {}", num(*v)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    if scans.is_empty() {
        desc.push_str("no final score");
    }
    desc.push('.');
    if let (Some(base), Some((last_d, last))) = (c.band_baseline, band.last()) {
        let _ = write!(
            desc,
            " Expected trajectory from the {base} scan (MESA median change, Kronmal 2007): {} \
             expected on {last_d}, within {} to {}.",
            whole(last.expected),
            whole(last.low),
            whole(last.high)
        );
    }
    for sp in c.interventions {
        let _ = write!(
            desc,
            " {}: {} to {}.",
            sp.label,
            sp.start,
            sp.end
                .map(|e| e.to_string())
                .unwrap_or_else(|| "ongoing".into())
        );
    }

    let mut s = String::with_capacity(8 * 1024);
    svg_open(
        &mut s,
        c.id,
        (WIDTH, height),
        "Coronary calcium over time, with the expected trajectory and interventions",
        &desc,
    );
    y_axis(&mut s, &y, &yticks, "Agatston score", WIDTH);
    x_axis(&mut s, &x, (from, to), (TOP, plot_bottom), WIDTH);

    // Legend: each mark drawn as it is in the plot, with words.
    let lx = LEFT + 110.0;
    let ly = TOP - 14.0;
    let _ = write!(
        s,
        "<g class=\"legend\"><circle cx=\"{lx}\" cy=\"{:.1}\" r=\"4\" fill=\"{INK}\"/>\
         <text x=\"{:.1}\" y=\"{ly}\">observed scan</text>",
        ly - 4.0,
        lx + 8.0
    );
    if !band.is_empty() {
        let bx = lx + 100.0;
        let _ = write!(
            s,
            "<rect x=\"{bx}\" y=\"{:.1}\" width=\"16\" height=\"10\" fill=\"{BAND_FILL}\" \
             stroke=\"{GREY}\" stroke-width=\"0.5\"/><line x1=\"{bx}\" x2=\"{:.1}\" y1=\"{:.1}\" \
             y2=\"{:.1}\" stroke=\"{INK}\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{:.1}\" y=\"{ly}\">expected (MESA median change) and its ±2.5 √AU range</text>",
            ly - 9.0,
            bx + 16.0,
            ly - 4.0,
            ly - 4.0,
            bx + 22.0
        );
    }
    s.push_str("</g>");

    if let [first, .., last] = band.as_slice() {
        let mut pts = String::new();
        for (d, e) in &band {
            let _ = write!(pts, "{:.1},{:.1} ", px(*d), y.at(e.high));
        }
        for (d, e) in band.iter().rev() {
            let _ = write!(pts, "{:.1},{:.1} ", px(*d), y.at(e.low));
        }
        let _ = write!(
            s,
            "<g class=\"expected\"><polygon class=\"band\" points=\"{}\" fill=\"{BAND_FILL}\" \
             stroke=\"{GREY}\" stroke-width=\"0.5\"/>",
            pts.trim_end()
        );
        let line: Vec<String> = band
            .iter()
            .map(|(d, e)| format!("{:.1},{:.1}", px(*d), y.at(e.expected)))
            .collect();
        let _ = write!(
            s,
            "<polyline class=\"expected-line\" points=\"{}\" fill=\"none\" stroke=\"{INK}\" \
             stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" \
             fill=\"{GREY}\">expected {}</text></g>",
            line.join(" "),
            px(last.0) - 2.0,
            y.at(last.1.high) - 4.0,
            whole(last.1.expected)
        );
        let _ = first;
    }

    if !scans.is_empty() {
        let line: Vec<String> = scans
            .iter()
            .map(|(d, v)| format!("{:.1},{:.1}", px(*d), y.at(*v)))
            .collect();
        let _ = write!(
            s,
            "<g class=\"observed\"><polyline points=\"{}\" fill=\"none\" stroke=\"{INK}\" \
             stroke-width=\"1.5\"/>",
            line.join(" ")
        );
        for (d, v) in &scans {
            let _ = write!(
                s,
                "<circle class=\"point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{INK}\">\
                 <title>{d}: {}</title></circle><text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" \
                 text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
                px(*d),
                y.at(*v),
                num(*v),
                px(*d),
                y.at(*v) - 8.0,
                num(*v)
            );
        }
        s.push_str("</g>");
    }

    if !c.interventions.is_empty() {
        let _ = write!(
            s,
            "<g class=\"interventions\"><text x=\"{LEFT}\" y=\"{:.1}\" font-weight=\"bold\">\
             Medications and supplements</text>",
            lanes_top + 10.0
        );
        for (i, sp) in c.interventions.iter().enumerate() {
            let top = lanes_top + 16.0 + i as f64 * LANE;
            let x0 = px(sp.start);
            let end = sp.end.unwrap_or(to);
            let x1 = px(end).max(x0 + 2.0);
            let before = sp.start < from;
            let label = format!(
                "{}{}: {} – {}",
                if before { "◂ " } else { "" },
                sp.label,
                sp.start,
                sp.end
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "ongoing".into())
            );
            let anchor_right = x0 > WIDTH * 0.6;
            let _ = write!(
                s,
                "<g class=\"span\"><rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"8\" \
                 fill=\"#bbb\" stroke=\"{INK}\" stroke-width=\"0.75\"/>{}<text x=\"{:.1}\" \
                 y=\"{:.1}\" text-anchor=\"{}\">{}</text></g>",
                top + 12.0,
                x1 - x0,
                if sp.end.is_none() {
                    format!(
                        "<path d=\"M{x1:.1},{:.1} l6,4 l-6,4 z\" fill=\"{INK}\"/>",
                        top + 12.0
                    )
                } else {
                    String::new()
                },
                if anchor_right { x1 } else { x0 },
                top + 9.0,
                if anchor_right { "end" } else { "start" },
                esc(&label)
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// A measure over time: points joined by a line, each value written beside its point, dates on
/// the time axis. The value axis spans the data with some room, not necessarily from 0.
pub fn line_chart(c: &LineChart) -> String {
    let points = finite_points(c.points);
    let (from, to) = match (points.first(), points.last()) {
        (Some(a), Some(b)) => time_domain(a.0, b.0),
        _ => {
            let mut s = String::new();
            let desc = format!("{}: no values", c.title);
            svg_open(&mut s, c.id, (SMALL_WIDTH, 60.0), c.title, &desc);
            s.push_str("</svg>");
            return s;
        }
    };
    // A margin either side (5 % of the axis, at least half a month) so that the end points'
    // labels clear the value axis.
    let margin = (to.days_since(from) / 20).max(15);
    let (from, to) = (from.add_days(-margin), to.add_days(margin));
    let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.05).max(1e-9);
    let mut lo_axis = lo - pad;
    if lo >= 0.0 && lo_axis < 0.0 {
        lo_axis = 0.0;
    }
    let ticks = nice_ticks(lo_axis, hi + pad, 4);
    let (t0, t1) = (
        ticks.first().copied().unwrap_or(lo),
        ticks.last().copied().unwrap_or(hi),
    );
    let plot_h = 120.0;
    let bottom = TOP + plot_h;
    let height = bottom + AXIS_LABELS - 8.0;
    let y = Scale {
        d0: t0,
        d1: t1,
        p0: bottom,
        p1: TOP,
    };
    let x = Scale {
        d0: 0.0,
        d1: f64::from(to.days_since(from)),
        p0: LEFT,
        p1: SMALL_WIDTH - RIGHT,
    };
    let px = |d: Date| x.at(f64::from(d.days_since(from)));
    let desc = format!(
        "{} ({}) by date: {}.",
        c.title,
        c.unit,
        points
            .iter()
            .map(|(d, v)| format!("{d}: {}", num(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut s = String::with_capacity(4 * 1024);
    svg_open(&mut s, c.id, (SMALL_WIDTH, height), c.title, &desc);
    y_axis(&mut s, &y, &ticks, c.unit, SMALL_WIDTH);
    x_axis(&mut s, &x, (from, to), (TOP, bottom), SMALL_WIDTH);
    let line: Vec<String> = points
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", px(*d), y.at(*v)))
        .collect();
    let _ = write!(
        s,
        "<g class=\"observed\"><polyline points=\"{}\" fill=\"none\" stroke=\"{INK}\" \
         stroke-width=\"1.5\"/>",
        line.join(" ")
    );
    for (d, v) in &points {
        let _ = write!(
            s,
            "<circle class=\"point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{INK}\">\
             <title>{d}: {}</title></circle><text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" \
             text-anchor=\"middle\">{}</text>",
            px(*d),
            y.at(*v),
            num(*v),
            px(*d),
            y.at(*v) - 7.0,
            num(*v)
        );
    }
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests;
