//! Medicines as `vascalc log med` records them, through the same vascalc-app use cases: a
//! course (`log_course`: the class the name decides, a dose outside the range the medicine is
//! sold in refused unless confirmed), one dose taken (`log_dose`: without an amount, the
//! course's), and a course stopped by name (`stop_course`, names matched as the safety rules
//! match them). Nothing here decides a rule: the handlers turn the JSON into the use cases'
//! inputs and their answers into JSON.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};
use vascalc_app::meds::{CourseInput, DoseInput, MedNotes};

use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::record::{Who, with_app};
use crate::{Routes, Shared};

pub(crate) fn register(r: Routes) -> Routes {
    r.add("/api/medications", &["POST"], post(start_course))
        .add("/api/medications/doses", &["POST"], post(log_dose))
        .add("/api/medications/stop", &["POST"], post(stop_course))
}

/// A course to start, as `vascalc log med NAME [--kind K] [--dose X --unit U] [--start D]
/// [--end D] [--confirm]` takes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CourseBody {
    name: String,
    /// The class; absent or empty: the one the name has in the vocabulary, else unknown.
    kind: Option<String>,
    dose: Option<f64>,
    unit: Option<String>,
    /// First day taken [default: today].
    start: Option<String>,
    /// Last day taken (absent: still taking).
    end: Option<String>,
    /// Record a dose outside the range the medicine is sold in.
    #[serde(default)]
    confirm: bool,
}

/// One dose taken, as `vascalc log med NAME --taken [--dose X --unit U] [--date D] [--confirm]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DoseBody {
    name: String,
    kind: Option<String>,
    /// Absent (with `unit`): the dose of the course of the same name that covers the date.
    dose: Option<f64>,
    unit: Option<String>,
    /// The day taken [default: today].
    date: Option<String>,
    #[serde(default)]
    confirm: bool,
}

/// A course to end, as `vascalc log med NAME --stop [--date D]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StopBody {
    name: String,
    /// The last day taken [default: today].
    date: Option<String>,
}

/// An empty text is a field left empty in a form: not given.
fn given(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

fn day(field: &str, text: Option<String>) -> Result<Option<jiff::civil::Date>, ApiError> {
    given(text)
        .map(|t| vascalc_app::dates::parse(field, &t))
        .transpose()
        .map_err(ApiError::from)
}

/// A dose comes with its unit (the command line's `--dose` requires `--unit` and back).
fn amount(dose: Option<f64>, unit: Option<String>) -> Result<Option<(f64, String)>, ApiError> {
    match (dose, given(unit)) {
        (Some(d), Some(u)) => Ok(Some((d, u))),
        (None, None) => Ok(None),
        (Some(d), None) => Err(ApiError::invalid(
            "unit",
            format!("the dose {d} needs its unit: ug (µg, mcg), mg, g, iu, mmol or unit (tablets)"),
        )),
        (None, Some(u)) => Err(ApiError::invalid(
            "dose",
            format!("the unit {u:?} needs a dose: give the amount taken"),
        )),
    }
}

/// What to tell beside a logged course or dose (vascalc-app `MedNotes`).
fn notes(n: &MedNotes) -> Value {
    json!({
        "unknown": n.unknown,
        "confirmed_implausible": n.confirmed_implausible,
        "salt": n.salt.as_ref().map(|s| json!({
            "element": s.element,
            "ingredient": s.ingredient,
            "dose": s.dose,
            "unit": s.unit,
            "elemental": s.elemental,
            "fraction": s.fraction,
        })),
    })
}

fn created(value: &Value) -> Result<Response, ApiError> {
    let mut r = crate::json(value)?;
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

/// `POST /api/medications`: starts a course (vascalc-app `log_course`). 201 with the course as
/// recorded, the entries reclassified (a class given for a name recorded as unknown) and the
/// notes; an implausible dose without `confirm` is a 422 with `needs_confirmation`.
async fn start_course(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(body): ApiJson<CourseBody>,
) -> Result<Response, ApiError> {
    let dose = amount(body.dose, body.unit)?;
    let start = day("start", body.start)?;
    let end = day("end", body.end)?;
    let (dose, unit) = dose.unzip();
    with_app(&state, false, move |app| {
        let input = CourseInput {
            name: body.name,
            kind: given(body.kind),
            dose,
            unit,
            start: start.unwrap_or(app.today()),
            end,
            confirm: body.confirm,
        };
        let logged = app.log_course(who.person(), &input, false)?;
        created(&json!({
            "person": logged.person.name,
            "course": logged.course,
            "reclassified": logged.reclassified,
            "notes": notes(&logged.notes),
        }))
    })
    .await
}

/// `POST /api/medications/doses`: one dose taken (vascalc-app `log_dose`). 201 with the dose as
/// recorded and the notes.
async fn log_dose(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(body): ApiJson<DoseBody>,
) -> Result<Response, ApiError> {
    let dose = amount(body.dose, body.unit)?;
    let date = day("date", body.date)?;
    with_app(&state, false, move |app| {
        let input = DoseInput {
            name: body.name,
            kind: given(body.kind),
            dose,
            date: date.unwrap_or(app.today()),
            confirm: body.confirm,
        };
        let logged = app.log_dose(who.person(), &input)?;
        created(&json!({
            "person": logged.person.name,
            "dose": logged.dose,
            "notes": notes(&logged.notes),
        }))
    })
    .await
}

/// `POST /api/medications/stop`: ends the open course(s) of a name on a day (vascalc-app
/// `stop_course`), as `log med NAME --stop --format json` answers: `{name, end,
/// courses_ended}`; 404 when none was open then.
async fn stop_course(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(body): ApiJson<StopBody>,
) -> Result<Response, ApiError> {
    let date = day("date", body.date)?;
    with_app(&state, false, move |app| {
        let date = date.unwrap_or(app.today());
        let (_, n) = app.stop_course(who.person(), &body.name, date)?;
        crate::json(&json!({"name": body.name, "end": date, "courses_ended": n}))
    })
    .await
}
