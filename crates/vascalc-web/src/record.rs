//! The record API: every handler calls one vascalc-app use case (the CLI's), on a database
//! connection from a small pool, in a blocking thread. The JSON is the CLI's `--format json`.
//!
//! Every record route takes `?person=NAME` (optional when the record holds one person).

use std::path::PathBuf;
use std::sync::Mutex;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, patch, post};
use serde::{Deserialize, Serialize};
use vascalc_app::record::{BodyMeasure, Entry, EntryId, EntryKind, Units};
use vascalc_app::{App, AppError, EntryUnits, ErrorKind, LabEdit, LabInput, PersonInput};
use vascalc_store::Store;

use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::{Routes, Shared};

/// The record database and a pool of open connections to it.
pub struct Record {
    path: PathBuf,
    pool: Mutex<Vec<Store>>,
    /// At most [`POOL`] requests use the database at once; the others wait for a permit
    /// (asynchronously, holding no thread). Without this bound, 50 concurrent clients opened a
    /// connection each beyond the pool, and each opening asks SQLite for a moment of exclusive
    /// access (WAL mode) that waits in the busy handler's sleeps while the others read: p99
    /// 724 ms with 50 clients (scripts/bench-web.sh, load 10).
    permits: tokio::sync::Semaphore,
    /// Progress reports kept until the record changes (ten years of logs: tens of ms each).
    progress: vascalc_app::progress::ProgressMemo,
}

/// Connections kept open between requests, and requests served at once (the machine's cores
/// are fewer; more in flight only queue inside SQLite).
const POOL: usize = 8;

impl Record {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            pool: Mutex::new(Vec::new()),
            permits: tokio::sync::Semaphore::new(POOL),
            progress: vascalc_app::progress::ProgressMemo::default(),
        }
    }

    fn take(&self, create: bool) -> Result<Store, ApiError> {
        if let Some(s) = self.pool.lock().ok().and_then(|mut p| p.pop()) {
            return Ok(s);
        }
        let opened = if create {
            Store::open(&self.path)
        } else {
            Store::open_existing(&self.path)
        };
        opened.map_err(|e| match e {
            vascalc_store::StoreError::Missing { .. } => ApiError::not_found(format!(
                "{e}; create a person first (on the dashboard, or `vascalc profile create`)"
            )),
            e => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", e.to_string()),
        })
    }

    fn give_back(&self, store: Store) {
        if let Ok(mut p) = self.pool.lock()
            && p.len() < POOL
        {
            p.push(store);
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        if let Some(why) = e.needs_confirmation() {
            return ApiError {
                needs_confirmation: true,
                ..ApiError::invalid(
                    e.field().unwrap_or("body"),
                    format!(
                        "{why}; if it is right, send it again confirmed (\"Save anyway\"; \
                         `confirm` in the API): the plan will still show it as implausible"
                    ),
                )
            };
        }
        let reason = e.to_string();
        match e.kind() {
            ErrorKind::Invalid => ApiError::invalid(e.field().unwrap_or("body"), reason),
            ErrorKind::NotFound => ApiError::not_found(reason),
            ErrorKind::Conflict => ApiError::conflict(reason),
            ErrorKind::Storage => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", reason)
            }
            ErrorKind::Internal => ApiError::internal(reason),
        }
    }
}

/// Runs `f` on the application over a pooled connection, off the async threads.
pub(crate) async fn with_app<T, F>(state: &Shared, create: bool, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut App<Store>) -> Result<T, ApiError> + Send + 'static,
{
    let no_record =
        || ApiError::not_found("no record database: start vascalc serve with --db FILE");
    let permit = state
        .record
        .as_ref()
        .ok_or_else(no_record)?
        .permits
        .acquire()
        .await
        .map_err(|e| ApiError::internal(format!("the record's request queue closed: {e}")))?;
    let state = state.clone();
    let result = tokio::task::spawn_blocking(move || {
        let record = state.record.as_ref().ok_or_else(no_record)?;
        let mut app = App::new(record.take(create)?);
        let result = f(&mut app);
        record.give_back(app.into_store());
        result
    })
    .await
    .map_err(|e| ApiError::internal(format!("the request's worker failed: {e}")))?;
    drop(permit);
    result
}

fn created(r: Result<Response, ApiError>) -> Result<Response, ApiError> {
    r.map(|mut resp| {
        *resp.status_mut() = StatusCode::CREATED;
        resp
    })
}

pub(crate) fn register(r: Routes) -> Routes {
    r.add(
        "/api/people",
        &["GET", "POST", "PATCH"],
        get(people).post(create_person).patch(update_person),
    )
    .add("/api/summary", &["GET"], get(summary))
    .add("/api/assessment", &["GET"], get(assessment))
    .add("/api/plan", &["GET"], get(plan))
    .add("/api/progress", &["GET"], get(progress))
    .add("/api/expected-band", &["GET"], get(expected_band))
    .add(
        "/api/entries",
        &["GET", "POST"],
        get(entries).post(add_entry),
    )
    .add(
        "/api/entries/{id}",
        &["PUT", "PATCH", "DELETE"],
        axum::routing::put(edit_entry)
            .patch(move_entry)
            .delete(delete_entry),
    )
    .add("/api/labs", &["POST"], post(add_lab))
    .add("/api/labs/{id}", &["PATCH"], patch(edit_lab))
    .add("/api/food-log/{date}", &["GET"], get(food_day))
    .add("/api/food-days", &["GET"], get(food_days))
    .add("/api/analytes", &["GET"], get(analytes))
    .add("/api/medication-kinds", &["GET"], get(medication_kinds))
}

#[derive(Serialize)]
struct AnalyteInfo {
    id: &'static str,
    name: &'static str,
    /// The unit the record stores.
    unit: &'static str,
    /// Every unit a result may be given in (converted to `unit`).
    units: Vec<&'static str>,
    loinc: &'static str,
    /// Plausible range in the stored unit.
    plausible: (f64, f64),
    /// The unit a person who reads SI or US units sees results in (vascalc-domain's
    /// `Analyte::shown_unit`): `{"si": "mmol/L", "us": "mg/dL"}`.
    shown_unit: std::collections::BTreeMap<&'static str, &'static str>,
}

/// The lab analytes vascalc knows (`vascalc lab analytes`), with their units.
async fn analytes() -> Result<Response, ApiError> {
    let list: Vec<AnalyteInfo> = vascalc_app::labs::ANALYTES
        .iter()
        .map(|a| AnalyteInfo {
            id: a.id,
            name: a.name,
            unit: a.unit(),
            units: a.units(),
            loinc: a.loinc(),
            plausible: a.plausible,
            shown_unit: [Units::Si, Units::Us]
                .into_iter()
                .map(|u| (u.as_str(), a.shown_unit(Some(u), None)))
                .collect(),
        })
        .collect();
    crate::json(&list)
}

/// The medication classes a course may have (the program's vocabulary).
async fn medication_kinds() -> Result<Response, ApiError> {
    crate::json(&vascalc_app::validate::med_kinds().collect::<Vec<_>>())
}

#[derive(Deserialize)]
pub(crate) struct Who {
    person: Option<String>,
    as_of: Option<String>,
    kind: Option<String>,
    days: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    since: Option<String>,
    until: Option<String>,
    confirm: Option<String>,
}

impl Who {
    /// `?person=`.
    pub(crate) fn person(&self) -> Option<&str> {
        self.person.as_deref()
    }

    /// `?confirm=true`: record a dose outside the range the medicine is sold in (`log med
    /// --confirm`); absent or `false`: refuse it.
    fn confirm(&self) -> Result<bool, ApiError> {
        match self.confirm.as_deref() {
            None | Some("" | "false") => Ok(false),
            Some("true") => Ok(true),
            Some(t) => Err(ApiError {
                field: Some("confirm".to_owned()),
                ..ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("confirm {t:?} is neither true nor false"),
                )
            }),
        }
    }

    fn as_of(&self) -> Result<Option<jiff::civil::Date>, ApiError> {
        self.as_of
            .as_deref()
            .map(|d| vascalc_app::dates::parse("as_of", d))
            .transpose()
            .map_err(ApiError::from)
    }
}

fn entry_id(text: &str) -> Result<EntryId, ApiError> {
    text.parse::<EntryId>()
        .map_err(|e| ApiError::invalid("id", format!("{text:?}: {e}")))
}

async fn people(State(state): State<Shared>) -> Result<Response, ApiError> {
    with_app(&state, false, |app| crate::json(&app.people()?)).await
}

async fn create_person(
    State(state): State<Shared>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<Response, ApiError> {
    created(
        with_app(&state, true, move |app| {
            crate::json(&app.create_person(&input)?)
        })
        .await,
    )
}

/// Changes the profile of `?person=` as `profile update` does (the units the pages show values
/// in, among others).
async fn update_person(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<Response, ApiError> {
    with_app(&state, false, move |app| {
        crate::json(&app.update_person(who.person.as_deref(), &input)?)
    })
    .await
}

async fn summary(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    with_app(&state, false, move |app| {
        crate::json(&app.summary(who.person.as_deref())?)
    })
    .await
}

/// The clinician report of `?person=` as of `?as_of=` (today when absent): the HTML document
/// `vascalc report --out` writes, to read, print or save as PDF from the browser. When there is
/// none (no record, no person), a page that says why and what to do.
pub(crate) async fn report(State(state): State<Shared>, ApiQuery(who): ApiQuery<Who>) -> Response {
    let made = match who.as_of() {
        Ok(as_of) => {
            with_app(&state, false, move |app| {
                let today = app.today();
                if let Some(d) = as_of {
                    vascalc_app::dates::check("as_of", d, today)?;
                }
                let data = app.report_data(who.person.as_deref(), as_of)?;
                Ok(data.render(today, env!("CARGO_PKG_VERSION")))
            })
            .await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(html) => crate::pages::html(StatusCode::OK, html),
        Err(e) => crate::pages::html(
            e.status,
            crate::pages::shell(
                "",
                "/report",
                "Report for your clinician",
                None,
                &format!(
                    "<p role=\"alert\">No report: {}</p>",
                    crate::pages::escape(&e.reason)
                ),
            ),
        ),
    }
}

/// What `vascalc assess --person NAME --format json` prints, with the profile it used.
#[derive(Serialize)]
struct AssessmentOut {
    profile: vascalc_clinical::Profile,
    assessment: vascalc_clinical::Assessment,
}

async fn assessment(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    let as_of = who.as_of()?;
    with_app(&state, false, move |app| {
        let (profile, assessment) = app.assess(
            who.person.as_deref(),
            as_of,
            &vascalc_clinical::Options::default(),
        )?;
        crate::json(&AssessmentOut {
            profile,
            assessment,
        })
    })
    .await
}

async fn plan(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    let as_of = who.as_of()?;
    with_app(&state, false, move |app| {
        crate::json(&app.plan(who.person.as_deref(), as_of)?.plan)
    })
    .await
}

async fn progress(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    let as_of = who.as_of()?;
    let shared = state.clone();
    with_app(&state, false, move |app| {
        // The report as the record now is: kept until the record changes.
        let report = match shared.record.as_ref() {
            Some(record) => app.progress_memo(&record.progress, who.person.as_deref(), as_of)?,
            None => std::sync::Arc::new(app.progress(who.person.as_deref(), as_of)?),
        };
        crate::json(&*report)
    })
    .await
}

/// The expected-trajectory band the CAC page draws (vascalc-clinical's `expected_band`, as the
/// clinician report draws it): `null` without a scan scored above 0.
async fn expected_band(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    let as_of = who.as_of()?;
    with_app(&state, false, move |app| {
        crate::json(&app.expected_band(who.person.as_deref(), as_of)?)
    })
    .await
}

/// An entry with its id, as `vascalc entry list --format json` gives it.
#[derive(Serialize)]
struct Row<'a> {
    id: EntryId,
    #[serde(flatten)]
    entry: &'a Entry,
    /// As the person reads it; `entry` keeps the stored values. A lab result: its value
    /// (`vascalc_app::labs::shown`: their units, else the unit it was given in). Vital signs:
    /// each body measure by field (`{"weight_kg": {"value": 180, "unit": "lb"}}`: their units,
    /// else as stored; vascalc-domain's `BodyMeasure::shown`).
    #[serde(skip_serializing_if = "Option::is_none")]
    shown: Option<ShownAs>,
}

/// A value with its unit.
#[derive(Serialize)]
struct Shown {
    value: f64,
    unit: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ShownAs {
    One(Shown),
    Fields(std::collections::BTreeMap<&'static str, Shown>),
}

impl<'a> Row<'a> {
    fn new(id: EntryId, entry: &'a Entry, units: Option<Units>) -> Self {
        let shown = match entry {
            Entry::Lab(l) => {
                let (value, unit) = vascalc_app::labs::shown(l, units);
                Some(ShownAs::One(Shown {
                    value,
                    unit: unit.to_owned(),
                }))
            }
            Entry::Vitals(v) => {
                let fields = [
                    (BodyMeasure::Weight, "weight_kg", v.weight_kg),
                    (BodyMeasure::Waist, "waist_cm", v.waist_cm),
                ]
                .into_iter()
                .filter_map(|(m, field, stored)| {
                    let (value, unit) = m.shown(stored?, units);
                    Some((
                        field,
                        Shown {
                            value,
                            unit: unit.to_owned(),
                        },
                    ))
                })
                .collect();
                Some(ShownAs::Fields(fields))
            }
            _ => None,
        };
        Row { id, entry, shown }
    }
}

fn rows<'a>(
    list: impl IntoIterator<Item = &'a (EntryId, Entry)>,
    units: Option<Units>,
) -> Vec<Row<'a>> {
    list.into_iter()
        .map(|(id, entry)| Row::new(*id, entry, units))
        .collect()
}

/// A page of entries (`GET /api/entries?limit=&offset=`): newest first.
#[derive(Serialize)]
struct PageOut<'a> {
    /// Entries in the whole range (of the kind, between `since` and `until`).
    total: usize,
    offset: usize,
    limit: usize,
    /// Whether older entries follow this page.
    more: bool,
    entries: Vec<Row<'a>>,
}

/// The entries of `?kind=` between `?since=` and `?until=` (a course by its start): all of them
/// oldest first, as `vascalc entry list --format json`; or, with `?limit=` or `?offset=`, one
/// page of them newest first with the total (crate::paging).
async fn entries(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    let kind = match who.kind.as_deref() {
        None | Some("") => None,
        Some(k) => Some(EntryKind::parse(k).ok_or_else(|| {
            ApiError::invalid(
                "kind",
                format!(
                    "{k:?} is not a kind of entry: one of {}",
                    EntryKind::ALL.map(EntryKind::name).join(", ")
                ),
            )
        })?),
    };
    let query = crate::paging::ListQuery::parse(
        who.limit.as_deref(),
        who.offset.as_deref(),
        who.since.as_deref(),
        who.until.as_deref(),
    )?;
    with_app(&state, false, move |app| {
        let (person, list) = app.entries(who.person.as_deref(), kind)?;
        match query.page {
            None => crate::json(&rows(crate::paging::in_range(&list, &query), person.units)),
            Some(at) => {
                let page = crate::paging::page(&list, &query, at);
                crate::json(&PageOut {
                    total: page.total,
                    offset: page.offset,
                    limit: page.limit,
                    more: page.offset + page.entries.len() < page.total,
                    entries: rows(page.entries, person.units),
                })
            }
        }
    })
    .await
}

/// The body of `POST /api/entries` and `PUT /api/entries/{id}`: an entry (`{kind, entry}`) and,
/// for vital signs, the units its weight and waist are given in (`"units": {"weight_kg": "lb"}`,
/// vascalc-app's `EntryUnits`): converted before they are stored, and a refusal says the value
/// and the range in the unit sent.
#[derive(Deserialize)]
pub(crate) struct EntryBody {
    #[serde(flatten)]
    entry: Entry,
    #[serde(default)]
    units: EntryUnits,
}

async fn add_entry(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(body): ApiJson<EntryBody>,
) -> Result<Response, ApiError> {
    let (entry, given) = body.units.apply(&body.entry)?;
    let confirm = who.confirm()?;
    created(
        with_app(&state, false, move |app| {
            let (person, id, _) =
                app.add_entry_confirmed(who.person.as_deref(), &entry, given, confirm)?;
            crate::json(&Row::new(id, &entry, person.units))
        })
        .await,
    )
}

async fn edit_entry(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(body): ApiJson<EntryBody>,
) -> Result<Response, ApiError> {
    let id = entry_id(&id)?;
    let (entry, given) = body.units.apply(&body.entry)?;
    let confirm = who.confirm()?;
    with_app(&state, false, move |app| {
        let change = app.edit_entry_confirmed(who.person.as_deref(), id, &entry, given, confirm)?;
        crate::json(&Row::new(id, &change.after, change.units))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewDate {
    date: String,
}

async fn move_entry(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(body): ApiJson<NewDate>,
) -> Result<Response, ApiError> {
    let id = entry_id(&id)?;
    let date = vascalc_app::dates::parse("date", &body.date)?;
    with_app(&state, false, move |app| {
        let change = app.move_entry(who.person.as_deref(), id, date)?;
        crate::json(&Row::new(id, &change.after, change.units))
    })
    .await
}

async fn delete_entry(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    let id = entry_id(&id)?;
    with_app(&state, false, move |app| {
        let (person, deleted) = app.delete_entries(who.person.as_deref(), &[id])?;
        crate::json(&rows(&deleted, person.units))
    })
    .await
}

async fn add_lab(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(input): ApiJson<LabInput>,
) -> Result<Response, ApiError> {
    created(
        with_app(&state, false, move |app| {
            crate::json(&app.add_lab(who.person.as_deref(), &input)?)
        })
        .await,
    )
}

async fn edit_lab(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiQuery(who): ApiQuery<Who>,
    ApiJson(edit): ApiJson<LabEdit>,
) -> Result<Response, ApiError> {
    let id = entry_id(&id)?;
    with_app(&state, false, move |app| {
        let change = app.edit_lab(who.person.as_deref(), id, &edit)?;
        crate::json(&Row::new(id, &change.after, change.units))
    })
    .await
}

async fn food_day(
    State(state): State<Shared>,
    Path(date): Path<String>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    with_app(&state, false, move |app| {
        let date = if date == "today" {
            app.today()
        } else {
            vascalc_app::dates::parse("date", &date)?
        };
        crate::json(&app.food_day(who.person.as_deref(), date)?)
    })
    .await
}

/// One day of the food log's totals (a point of the 7- and 30-day charts).
#[derive(Serialize)]
struct DayPoint {
    date: String,
    entries: u32,
    phosphate_additive_entries: u32,
    /// Per nutrient key: the day's total is at least `at_least`; `missing` foods had no value.
    nutrients: std::collections::BTreeMap<&'static str, PointValue>,
}

#[derive(Serialize)]
struct PointValue {
    at_least: f64,
    missing: u32,
}

/// The longest period the food-day series covers.
const MAX_DAYS: i64 = 366;

async fn food_days(
    State(state): State<Shared>,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Response, ApiError> {
    let days = match who.days.as_deref() {
        None => 30,
        Some(t) => match t.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_DAYS).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid(
                    "days",
                    format!("days {t:?} is not a whole number from 1 to {MAX_DAYS}"),
                ));
            }
        },
    };
    let as_of = who.as_of()?;
    with_app(&state, false, move |app| {
        use jiff::ToSpan;
        let until = as_of.unwrap_or(app.today());
        let since = until
            .checked_sub((days - 1).days())
            .map_err(|e| ApiError::invalid("days", e.to_string()))?;
        let list = app.food_days(who.person.as_deref(), since, until)?;
        let points: Vec<DayPoint> = list
            .into_iter()
            .map(|d| DayPoint {
                date: d.date.to_string(),
                entries: d.entries,
                phosphate_additive_entries: d.phosphate_additive_entries,
                nutrients: d
                    .nutrients
                    .into_iter()
                    .map(|(k, (at_least, missing))| (k, PointValue { at_least, missing }))
                    .collect(),
            })
            .collect();
        crate::json(&serde_json::json!({
            "since": since.to_string(),
            "until": until.to_string(),
            "days": points,
        }))
    })
    .await
}
