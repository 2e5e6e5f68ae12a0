//! The OpenAPI 3.1 document of every route, built by hand (utoipa's derive macros would add
//! their cold build for a document this size). A test checks that the router's routes and the
//! document's operations are the same set.

use axum::response::Response;
use serde_json::{Value, json};

use crate::error::ApiError;

pub(crate) fn error_responses(codes: &[&str]) -> Value {
    let mut map = serde_json::Map::new();
    for c in codes {
        let description = match *c {
            "400" => "The body is not JSON.",
            "403" => {
                "A state-changing request without a same-origin Origin/Sec-Fetch-Site or the per-launch token."
            }
            "404" => "Nothing with that id.",
            "409" => "It conflicts with what the record holds.",
            "413" => "The body is over 1 MiB.",
            "415" => "The body is not declared as application/json.",
            "421" => {
                "The Host header does not name this server (localhost, 127.0.0.1 or [::1] at its port)."
            }
            "422" => "A field's value is not acceptable: `field` names it, `reason` says why.",
            _ => "The record could not be read or written.",
        };
        map.insert(
            (*c).to_string(),
            json!({
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
            }),
        );
    }
    Value::Object(map)
}

pub(crate) fn ok_json(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

pub(crate) fn html_page(summary: &str) -> Value {
    json!({"get": {
        "summary": summary,
        "tags": ["pages"],
        "responses": {
            "200": {"description": "The page (HTML; its scripts read the API).",
                    "content": {"text/html": {"schema": {"type": "string"}}}},
            "421": error_responses(&["421"])["421"].clone()
        }
    }})
}

fn person_param() -> Value {
    json!({"name": "person", "in": "query", "required": false,
           "description": "The person's name; needed when the record holds several people.",
           "schema": {"type": "string"}})
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true,
           "description": "An entry id, KIND:N (food:12, lab:3).", "schema": {"type": "string"}})
}

fn as_of_param() -> Value {
    json!({"name": "as_of", "in": "query", "required": false,
           "description": "YYYY-MM-DD [default: today]",
           "schema": {"type": "string", "format": "date"}})
}

/// One record operation: `ok` is the success status and its description; `body` the request
/// schema; `errors` the error statuses it may answer.
fn record_op(
    summary: &str,
    params: Vec<Value>,
    body: Option<Value>,
    ok: (&str, &str),
    errors: &[&str],
) -> Value {
    let mut responses = error_responses(errors);
    responses[ok.0] = ok_json(ok.1, json!({"type": ["object", "array"]}));
    let mut op = json!({
        "summary": summary,
        "tags": ["record"],
        "parameters": params,
        "responses": responses
    });
    if let Some(schema) = body {
        op["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
        op["security"] = json!([{"launchToken": []}]);
    }
    op
}

fn confirm_param() -> Value {
    json!({"name": "confirm", "in": "query", "required": false,
           "description": "true: record a dose outside the range the medicine is sold in (`log med --confirm`).",
           "schema": {"type": "boolean", "default": false}})
}

/// `/api/medications…`: `vascalc log med` (a course, `--taken`, `--stop`).
fn medication_paths(paths: &mut serde_json::Map<String, Value>, write: &[&str]) {
    let amount = |what: &str| {
        json!({
            "name": {"type": "string"},
            "kind": {"type": "string", "description": "The class (`/api/medication-kinds`); absent or empty: the one the vocabulary gives the name, else unknown. A class the name does not have is refused."},
            "dose": {"type": "number", "description": what},
            "unit": {"type": "string", "description": "ug (µg, mcg), mg, g, iu, mmol or unit (tablets); with dose."},
            "confirm": {"type": "boolean", "default": false, "description": "Record a dose outside the range the medicine is sold in (otherwise 422 with needs_confirmation)."}
        })
    };
    let mut course = amount("Daily dose, in unit.");
    course["start"] = json!({"type": "string", "format": "date", "description": "First day taken [default: today]."});
    course["end"] = json!({"type": "string", "format": "date", "description": "Last day taken (absent: ongoing)."});
    let mut dose = amount(
        "The amount taken; absent with unit: the dose of the course of that name covering the date.",
    );
    dose["date"] = json!({"type": "string", "format": "date", "description": "The day taken [default: today]."});
    paths.insert("/api/medications".into(), json!({"post": record_op(
        "Start a course, as `log med NAME [--kind K] [--dose X --unit U] [--start D] [--end D] [--confirm]` (vascalc-app `log_course`).",
        vec![person_param()],
        Some(json!({"type": "object", "required": ["name"], "additionalProperties": false, "properties": course})),
        ("201", "{person, course, reclassified, notes: {unknown, confirmed_implausible, salt}}"), write)}));
    paths.insert("/api/medications/doses".into(), json!({"post": record_op(
        "Log one dose taken, as `log med NAME --taken [--dose X --unit U] [--date D] [--confirm]` (vascalc-app `log_dose`).",
        vec![person_param()],
        Some(json!({"type": "object", "required": ["name"], "additionalProperties": false, "properties": dose})),
        ("201", "{person, dose, notes: {unknown, confirmed_implausible, salt}}"), write)}));
    paths.insert("/api/medications/stop".into(), json!({"post": record_op(
        "End the open course(s) of a name on a day, as `log med NAME --stop [--date D]` (vascalc-app `stop_course`; names matched as the safety rules match them). 404 when none was open then.",
        vec![person_param()],
        Some(json!({"type": "object", "required": ["name"], "additionalProperties": false,
            "properties": {"name": {"type": "string"},
                "date": {"type": "string", "format": "date", "description": "The last day taken [default: today]."}}})),
        ("200", "{name, end, courses_ended}"), write)}));
}

/// `GET /api/entries`: every entry of a range oldest first, or one page newest first.
fn entries_list(read: &[&str]) -> Value {
    let mut op = record_op(
        "The entries with their ids, as `entry list --format json` (oldest first), of `kind` \
         between `since` and `until` (a course by its start). With `limit` or `offset`: one \
         page, newest first (by date, then id, highest first: pages neither repeat nor skip an \
         entry while the record is unchanged), with the total of the range.",
        vec![
            person_param(),
            json!({"name": "kind", "in": "query", "required": false,
                "schema": {"type": "string", "enum": ["scan", "lab", "vitals", "activity",
                    "smoking", "alcohol", "med", "dose", "food"]}}),
            json!({"name": "since", "in": "query", "required": false,
                "description": "The first day of the range (YYYY-MM-DD), included.",
                "schema": {"type": "string", "format": "date"}}),
            json!({"name": "until", "in": "query", "required": false,
                "description": "The last day of the range (YYYY-MM-DD), included; not before since.",
                "schema": {"type": "string", "format": "date"}}),
            json!({"name": "limit", "in": "query", "required": false,
                "description": "Entries per page; asks for a page.",
                "schema": {"type": "integer", "minimum": 1,
                    "maximum": crate::paging::MAX_LIMIT,
                    "default": crate::paging::DEFAULT_LIMIT}}),
            json!({"name": "offset", "in": "query", "required": false,
                "description": "Entries to skip from the newest; asks for a page.",
                "schema": {"type": "integer", "minimum": 0,
                    "maximum": crate::paging::MAX_OFFSET, "default": 0}}),
        ],
        None,
        (
            "200",
            "[{id, kind, entry}] or, for a page, {total, offset, limit, more, entries}",
        ),
        read,
    );
    op["responses"]["200"]["content"]["application/json"]["schema"] = json!({"oneOf": [
        {"type": "array", "items": {"$ref": "#/components/schemas/EntryRow"}},
        {"type": "object", "required": ["total", "offset", "limit", "more", "entries"],
         "properties": {
            "total": {"type": "integer", "description": "Entries in the range."},
            "offset": {"type": "integer"}, "limit": {"type": "integer"},
            "more": {"type": "boolean", "description": "Older entries follow this page."},
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/EntryRow"}}}}
    ]});
    op["responses"]["400"] = json!({
        "description": "A query parameter outside what it allows: `field` names it, `reason` gives the allowed range.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    });
    op
}

fn record_paths(paths: &mut serde_json::Map<String, Value>) {
    let read = ["404", "421", "422", "500"];
    let write = [
        "400", "403", "404", "409", "413", "415", "421", "422", "500",
    ];
    paths.insert("/api/people".into(), json!({
        "get": record_op("Everyone in the record, as `profile list --format json`.", vec![], None,
            ("200", "The people."), &read),
        "post": record_op("Create a person (the database is created if missing), as `profile create`.",
            vec![], Some(json!({"$ref": "#/components/schemas/PersonInput"})),
            ("201", "The new person's summary."), &write),
        "patch": record_op("Change the profile of ?person= (the fields given; `units` is the units every page shows values in), as `profile update`.",
            vec![person_param()], Some(json!({"$ref": "#/components/schemas/PersonInput"})),
            ("200", "The person's summary after the change."), &write)
    }));
    paths.insert("/api/summary".into(), json!({"get": record_op(
        "The profile with the latest value of everything that changes, as `profile show --format json`.",
        vec![person_param()], None, ("200", "The summary."), &read)}));
    paths.insert("/api/assessment".into(), json!({"get": record_op(
        "The clinical profile the record gives and its assessment (risks, CAC interpretation, kidney function), as `assess --person NAME --format json` (with the profile).",
        vec![person_param(), as_of_param()], None, ("200", "{profile, assessment}."), &read)}));
    paths.insert(
        "/api/plan".into(),
        json!({"get": record_op(
        "The plan, as `plan --format json`.",
        vec![person_param(), as_of_param()], None, ("200", "The plan."), &read)}),
    );
    paths.insert("/api/progress".into(), json!({"get": record_op(
        "Scans, progression and adherence between scans, as `progress --format json` (404 without a scan).",
        vec![person_param(), as_of_param()], None, ("200", "The progress report."), &read)}));
    paths.insert("/api/expected-band".into(), json!({"get": record_op(
        "The expected CAC trajectory as a band (vascalc-clinical `expected_band`, the one the clinician report draws): from the first scan scored above 0, a point every 30 days to as_of, each {years, median_annual_change, expected, low, high, source}; null without such a scan.",
        vec![person_param(), as_of_param()], None, ("200", "{baseline, baseline_agatston, points: [[date, expected score]]} or null."), &read)}));
    paths.insert(
        "/api/entries".into(),
        json!({
            "get": entries_list(&read),
            "post": record_op("Add an entry of any kind, checked as the CLI checks it (a course's or dose's amount outside the range the medicine is sold in: 422 with `needs_confirmation` unless `confirm=true`).",
                vec![person_param(), confirm_param()], Some(json!({"$ref": "#/components/schemas/Entry"})),
                ("201", "{id, kind, entry}"), &write)
        }),
    );
    paths.insert("/api/entries/{id}".into(), json!({
        "put": record_op("Replace an entry by one of the same kind; the id stays. A course's or dose's amount outside the range the medicine is sold in is a 422 with `needs_confirmation` unless `confirm=true`.",
            vec![id_param(), person_param(), confirm_param()], Some(json!({"$ref": "#/components/schemas/Entry"})),
            ("200", "{id, kind, entry}"), &write),
        "patch": record_op("Move an entry to another date, as `entry edit ID --date D`.",
            vec![id_param(), person_param()],
            Some(json!({"type": "object", "required": ["date"],
                "properties": {"date": {"type": "string", "format": "date"}}})),
            ("200", "{id, kind, entry}"), &write),
        "delete": record_op("Delete an entry, as `entry delete ID`.",
            vec![id_param(), person_param()], None, ("200", "[{id, kind, entry}] deleted"), &write)
    }));
    paths.insert(
        "/api/labs".into(),
        json!({"post": record_op(
        "Add a lab result in any accepted unit (converted to the stored unit), as `lab add`.",
        vec![person_param()], Some(json!({"type": "object",
            "required": ["analyte", "value", "unit"],
            "properties": {"analyte": {"type": "string"}, "value": {"type": "number"},
                "unit": {"type": "string"}, "date": {"type": "string", "format": "date"},
                "replace": {"type": "boolean"}}})),
        ("201", "The result as stored, with same-day results."), &write)}),
    );
    paths.insert(
        "/api/labs/{id}".into(),
        json!({"patch": record_op(
        "Correct a lab result's value (with its unit) or date, as `lab edit`.",
        vec![id_param(), person_param()], Some(json!({"type": "object",
            "properties": {"value": {"type": "number"}, "unit": {"type": "string"},
                "date": {"type": "string", "format": "date"}}})),
        ("200", "{id, kind, entry}"), &write)}),
    );
    paths.insert("/api/food-log/{date}".into(), json!({"get": record_op(
        "One day's food log with entry ids and nutrient totals (missing values listed), as `log today --format json`.",
        vec![json!({"name": "date", "in": "path", "required": true,
            "description": "YYYY-MM-DD or today", "schema": {"type": "string"}}), person_param()],
        None, ("200", "The day."), &read)}));
    paths.insert("/api/analytes".into(), json!({"get": {
        "summary": "The lab analytes vascalc knows, with stored unit, accepted units, LOINC code, plausible range and the unit each of SI and US reads a result in (shown_unit).",
        "tags": ["record"],
        "responses": {"200": ok_json("The analytes.", json!({"type": "array", "items": {"type": "object"}}))}
    }}));
    paths.insert("/api/medication-kinds".into(), json!({"get": {
        "summary": "The medication classes a course may have.",
        "tags": ["record"],
        "responses": {"200": ok_json("The classes.", json!({"type": "array", "items": {"type": "string"}}))}
    }}));
    medication_paths(paths, &write);
    paths.insert("/api/food-days".into(), json!({"get": record_op(
        "Per-day nutrient totals of the food log over the last `days` days (charts).",
        vec![person_param(), as_of_param(), json!({"name": "days", "in": "query",
            "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 366,
            "default": 30}})],
        None, ("200", "{since, until, days: [{date, entries, phosphate_additive_entries, nutrients}]}"),
        &read)}));
}

/// The document.
pub fn document() -> Value {
    let read_errors = error_responses(&["421"]);
    let mut paths = serde_json::Map::new();
    let _ = &read_errors;
    for (path, summary) in [
        (
            "/",
            "Dashboard: safety alerts, latest CAC (category, CAC-DRS, percentile, arterial age), kidney function, the plan at a glance, risks with sources.",
        ),
        (
            "/cac",
            "CAC over time: observed scans, the expected trajectory as a band, interventions on the same time axis.",
        ),
        (
            "/food",
            "Food log: search-as-you-type, portions, the day's entries with edit and delete, totals against the plan's targets, 7- and 30-day charts.",
        ),
        (
            "/measures",
            "Labs, vital signs, activity and medication courses: forms, lists with edit and delete, a chart per measure.",
        ),
        (
            "/plan",
            "The plan: alerts first, every item with target, current value, status and evidence with DOI links.",
        ),
    ] {
        paths.insert(path.into(), html_page(summary));
    }
    paths.insert(
        "/report".into(),
        json!({"get": {
            "summary": "The clinician report as of a date: the HTML document `vascalc report --out` writes (print CSS for A4/Letter, inline SVG charts, no script).",
            "tags": ["pages"],
            "parameters": [person_param(), as_of_param()],
            "responses": {
                "200": {"description": "The report (HTML).",
                        "content": {"text/html": {"schema": {"type": "string"}}}},
                "404": {"description": "No record or no such person: a page that says why.",
                        "content": {"text/html": {"schema": {"type": "string"}}}},
                "422": {"description": "An invalid `as_of`: a page that says why.",
                        "content": {"text/html": {"schema": {"type": "string"}}}},
                "421": error_responses(&["421"])["421"].clone()
            }
        }}),
    );
    paths.insert(
        "/assets/{name}".into(),
        json!({"get": {
            "summary": "An embedded stylesheet or script.",
            "tags": ["pages"],
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "The file.", "content": {
                    "text/css": {"schema": {"type": "string"}},
                    "text/javascript": {"schema": {"type": "string"}}}},
                "404": error_responses(&["404"])["404"].clone()
            }
        }}),
    );
    paths.insert(
        "/api/openapi.json".into(),
        json!({"get": {
            "summary": "This document.",
            "tags": ["meta"],
            "responses": {"200": ok_json("OpenAPI 3.1", json!({"type": "object"}))}
        }}),
    );
    let mut search_errors = error_responses(&["421", "422"]);
    search_errors["200"] = ok_json(
        "Ranked hits, as `vascalc food search --format json`.",
        json!({"$ref": "#/components/schemas/FoodSearch"}),
    );
    paths.insert(
        "/api/foods".into(),
        json!({"get": {
            "summary": "Search the food table (typo-tolerant, ranked for people).",
            "tags": ["foods"],
            "parameters": [
                {"name": "q", "in": "query", "required": true,
                 "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
                {"name": "limit", "in": "query", "required": false,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}}
            ],
            "responses": search_errors
        }}),
    );
    let mut show_errors = error_responses(&["404", "421", "422"]);
    show_errors["200"] = ok_json(
        "The food, per 100 g with the source of every value, and the serving asked for, as \
         `vascalc food show --format json`.",
        json!({"$ref": "#/components/schemas/Food"}),
    );
    paths.insert(
        "/api/foods/{id}".into(),
        json!({"get": {
            "summary": "A food's nutrients with their sources.",
            "tags": ["foods"],
            "parameters": [
                {"name": "id", "in": "path", "required": true,
                 "description": "ndb:01009, fdc:…, fndds:…, ciqual:…, lit:…",
                 "schema": {"type": "string"}},
                {"name": "portion", "in": "query", "required": false,
                 "description": "A household portion: \"1 cup\", \"2 tbsp\", \"1 large\".",
                 "schema": {"type": "string"}},
                {"name": "grams", "in": "query", "required": false,
                 "schema": {"type": "number", "minimum": 0}}
            ],
            "responses": show_errors
        }}),
    );
    paths.insert(
        "/api/nutrients".into(),
        json!({"get": {
            "summary": "The nutrient keys of per_100g with labels and units, in display order.",
            "tags": ["foods"],
            "responses": {"200": ok_json("The nutrients.", json!({"type": "array", "items": {
                "type": "object", "required": ["key", "label", "unit"],
                "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                               "unit": {"type": "string"}}}}))}
        }}),
    );
    record_paths(&mut paths);
    crate::scans::openapi::paths(&mut paths);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "vascalc",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The local API of `vascalc serve`. Requests must name localhost, \
                127.0.0.1 or [::1] at the server's port in Host. POST, PUT, PATCH and DELETE \
                need a same-origin Origin or Sec-Fetch-Site and the per-launch token in \
                X-Vascalc-Token (in the pages' <meta name=\"vascalc-token\">). Errors are \
                ApiError objects. The JSON is that of the CLI's --format json.",
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"}
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "launchToken": {"type": "apiKey", "in": "header", "name": "X-Vascalc-Token"}
            },
            "schemas": {
                "ApiError": {
                    "type": "object",
                    "required": ["error", "reason"],
                    "properties": {
                        "error": {"type": "string", "enum": ["invalid", "bad_request", "forbidden",
                            "misdirected", "not_found", "method_not_allowed", "conflict",
                            "too_large", "unsupported_media_type", "storage", "internal"]},
                        "field": {"type": "string"},
                        "reason": {"type": "string"},
                        "needs_confirmation": {"type": "boolean", "description": "Present (true) when the value is implausible but may be confirmed: send the request again with confirm."}
                    }
                },
                "PersonInput": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"}, "birth_date": {"type": "string", "format": "date"},
                        "sex": {"type": "string", "enum": ["female", "male"]},
                        "race": {"type": "string", "enum": ["white", "black", "chinese", "hispanic", "other"]},
                        "height_cm": {"type": "number"}, "diabetes": {"type": "boolean"},
                        "family_history_mi": {"type": "boolean"}, "ascvd": {"type": "boolean"},
                        "dialysis": {"type": "boolean"}, "calciphylaxis": {"type": "boolean"},
                        "smoking": {"type": "object"}, "drinks_per_week": {"type": "number"},
                        "height_in": {"type": "number", "description": "the height in inches instead of height_cm"},
                        "units": {"type": "string", "enum": ["si", "us"], "description": "the units values are shown in"}
                    }
                },
                "Entry": {
                    "type": "object",
                    "description": "An entry as the record keeps it (values in stored units), as in exports; a vitals entry's weight_kg and waist_cm may be sent in lb and in, named in `units` (converted; a refusal names the value and range in the unit sent).",
                    "required": ["kind", "entry"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["scan", "lab", "vitals", "activity",
                            "smoking", "alcohol", "medication", "dose", "food"]},
                        "entry": {"type": "object"},
                        "units": {"type": "object", "properties": {
                            "weight_kg": {"type": "string", "enum": ["kg", "lb"]},
                            "waist_cm": {"type": "string", "enum": ["cm", "in"]}}}
                    }
                },
                "EntryRow": {
                    "type": "object",
                    "description": "An entry with its id; `shown`: a lab result's {value, unit} in the person's units (else as given), a vitals entry's {weight_kg: {value, unit}, waist_cm: {value, unit}} in the person's units (else as stored).",
                    "required": ["id", "kind", "entry"],
                    "properties": {
                        "id": {"type": "string"}, "kind": {"type": "string"},
                        "entry": {"type": "object"}, "shown": {"type": "object"}
                    }
                },
                "FoodHit": {
                    "type": "object",
                    "required": ["id", "name", "source", "score", "exact", "head"],
                    "properties": {
                        "id": {"type": "string"}, "name": {"type": "string"},
                        "source": {"type": "string"}, "score": {"type": "number"},
                        "exact": {"type": "boolean"}, "head": {"type": "boolean"},
                        "alternatives": {"type": "array", "items": {"type": "object"}}
                    }
                },
                "FoodSearch": {
                    "type": "object",
                    "required": ["query", "hits"],
                    "properties": {
                        "query": {"type": "string"},
                        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/FoodHit"}}
                    }
                },
                "Food": {
                    "type": "object",
                    "required": ["id", "name", "source", "per_100g"],
                    "properties": {
                        "id": {"type": "string"}, "name": {"type": "string"},
                        "source": {"type": "string"},
                        "per_100g": {"type": "object", "additionalProperties": {
                            "$ref": "#/components/schemas/NutrientValue"}},
                        "portions": {"type": "array", "items": {"type": "object"}},
                        "phosphate_additives": {"type": "array", "items": {"type": "object"}},
                        "serving": {"type": "object"}
                    }
                },
                "NutrientValue": {
                    "type": "object",
                    "required": ["value", "provenance"],
                    "properties": {
                        "value": {"type": ["number", "null"]},
                        "provenance": {"type": "string",
                            "enum": ["measured", "literature", "calculated", "user", "missing"]},
                        "source": {"type": "string"}, "detail": {"type": "string"},
                        "citation": {"type": "string"}, "method": {"type": "string"}
                    }
                }
            }
        }
    })
}

pub(crate) async fn handler() -> Result<Response, ApiError> {
    crate::json(&document())
}
