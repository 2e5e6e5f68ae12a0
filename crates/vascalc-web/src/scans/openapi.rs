//! The OpenAPI entries of the review viewer's routes (kept beside them).

use serde_json::{Map, Value, json};

use crate::openapi::{error_responses, html_page, ok_json};

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true,
           "description": "The open scan's id (from POST /api/scans).",
           "schema": {"type": "string"}})
}

fn k_param() -> Value {
    json!({"name": "k", "in": "query", "required": true,
           "description": "The slice index, 0 to slices − 1, in the series' order along the slice normal.",
           "schema": {"type": "integer", "minimum": 0}})
}

fn with_errors(codes: &[&str], ok: (&str, Value)) -> Value {
    let mut r = error_responses(codes);
    r[ok.0] = ok.1;
    r
}

fn view() -> Value {
    json!({"type": "object",
        "description": "An open scan: the pixel grid (columns, rows, slices, pixel_spacing_mm, \
            increment_mm, slice_locations_mm, slice_encoding, no_data), the current assignment and \
            the score it gives (totals, per_artery, cac_drs, review, flags, acquisition, \
            convention; as `vascalc scan score --assign`) and the lesions (id, group = the \
            smallest id of its 3D-connected group, status, label, reasons, slices, centroid_mm, \
            agatston, volume_mm3): every lesion when lesions_all is true (opening, GET), only the \
            lesions the assignment names after a PUT (the others keep their status as opened).",
        "required": ["id", "columns", "rows", "slices", "pixel_spacing_mm", "assignment",
                     "totals", "per_artery", "cac_drs", "flags", "lesions"]})
}

pub(crate) fn paths(paths: &mut Map<String, Value>) {
    paths.insert(
        "/review".into(),
        html_page(
            "Review a CT scan: open a DICOM folder, scroll the slices with window/level, see the ≥ 130 HU overlay by status and artery and the heart region, name lesions with keys 1–5, undo/redo, a live per-artery table and CAC-DRS from the server; download the assignment, save into the record.",
        ),
    );
    paths.insert("/api/scans/folder".into(), json!({"post": {
        "summary": "The CT series of a folder on this computer (headers only; the folder is read, never written).",
        "tags": ["scans"], "security": [{"launchToken": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": ["path"],
            "properties": {"path": {"type": "string", "description": "An existing folder."}}}}}},
        "responses": with_errors(&["400", "403", "413", "415", "421", "422"], ("200", ok_json(
            "The series (series_uid, description, body_part, modality, study_date, rows, columns, images), files left out and problems.",
            json!({"type": "object"}))))
    }}));
    let mut upload_errors = error_responses(&["403", "404", "421", "422"]);
    upload_errors["400"] = json!({"description": "The body is not well-formed multipart/form-data, or was cut off.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}});
    upload_errors["413"] = json!({"description": "Over a limit: 2 GiB in all, 512 MiB per DICOM file, 20,000 DICOM files (the reason names it); nothing is kept.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}});
    upload_errors["415"] = json!({"description": "The body is not multipart/form-data with a boundary.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}});
    upload_errors["201"] = ok_json(
        "The upload's number, DICOM files kept, files not DICOM (not kept), the series (as /api/scans/folder), files left out and problems.",
        json!({"type": "object", "required": ["upload", "files", "not_dicom", "series"]}),
    );
    paths.insert("/api/scans/upload".into(), json!({"post": {
        "summary": "Uploads a folder's files (multipart/form-data, streamed): the DICOM files are kept, numbered, in a private folder of this launch until the scan is closed or the server ends; file names are not used.",
        "tags": ["scans"], "security": [{"launchToken": []}],
        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
        "responses": upload_errors
    }}));
    paths.insert("/api/scans".into(), json!({"post": {
        "summary": "Loads and scores one series (`scan score --regions auto`) of a folder or an upload, and keeps it open (the last few are kept in memory).",
        "tags": ["scans"], "security": [{"launchToken": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"path": {"type": "string", "description": "A folder on this computer (or give upload)."},
                           "upload": {"type": "integer", "description": "An upload's number (from POST /api/scans/upload)."},
                           "series_uid": {"type": "string", "description": "Needed when the folder holds several series."}}}}}},
        "responses": with_errors(&["400", "403", "413", "415", "421", "422"], ("201", ok_json("The open scan.", view())))
    }}));
    paths.insert(
        "/api/scans/{id}".into(),
        json!({"get": {
            "summary": "An open scan: grid, assignment, score, lesions.",
            "tags": ["scans"], "parameters": [id_param()],
            "responses": with_errors(&["404", "421"], ("200", ok_json("The open scan.", view())))
        }, "delete": {
            "summary": "Closes the scan: the server forgets it and removes an uploaded folder's copy.",
            "tags": ["scans"], "security": [{"launchToken": []}], "parameters": [id_param()],
            "responses": with_errors(&["403", "404", "421"], ("204", json!({"description": "Closed."})))
        }}),
    );
    paths.insert("/api/scans/{id}/slice".into(), json!({"get": {
        "summary": "One slice as Int16 HU, little endian, row by row; -32768 where the image has no data.",
        "tags": ["scans"], "parameters": [id_param(), k_param()],
        "responses": with_errors(&["404", "421", "422"], ("200", json!({
            "description": "columns × rows × 2 bytes.",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}})))
    }}));
    paths.insert("/api/scans/{id}/overlay".into(), json!({"get": {
        "summary": "One slice's lesion voxels as runs [lesion id, row, first column, end column) and the heart region as runs [row, first, end).",
        "tags": ["scans"], "parameters": [id_param(), k_param()],
        "responses": with_errors(&["404", "421", "422"], ("200", ok_json("The overlay.", json!({
            "type": "object", "required": ["k", "runs", "heart"],
            "properties": {"k": {"type": "integer"},
                "runs": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4}},
                "heart": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}, "minItems": 3, "maxItems": 3}}}}))))
    }}));
    paths.insert("/api/scans/{id}/assignment".into(), json!({
        "get": {
            "summary": "The assignment as the `vascalc scan score --assign FILE` file (`id,artery` lines after # comments).",
            "tags": ["scans"], "parameters": [id_param()],
            "responses": with_errors(&["404", "421"], ("200", json!({"description": "The file.",
                "content": {"text/csv": {"schema": {"type": "string"}}}})))
        },
        "put": {
            "summary": "Scores the whole assignment (lesion id → LM, LAD, LCX, RCA, non_coronary or a region name) on the server.",
            "tags": ["scans"], "security": [{"launchToken": []}], "parameters": [id_param()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["assignment"],
                "properties": {"assignment": {"type": "object", "additionalProperties": {"type": "string"}}}}}}},
            "responses": with_errors(&["400", "403", "404", "413", "415", "421", "422"], ("200", ok_json("The open scan, rescored.", view())))
        }
    }));
    paths.insert("/api/scans/{id}/save".into(), json!({"post": {
        "summary": "Saves the reviewed scan into the person's record with its provenance (reviewer, time, convention, assignment); refused while it is not interpreted.",
        "tags": ["scans"], "security": [{"launchToken": []}], "parameters": [id_param()],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": ["reviewer"],
            "properties": {"reviewer": {"type": "string"}, "person": {"type": "string"},
                           "date": {"type": "string", "format": "date", "description": "Default: the series' StudyDate."}}}}}},
        "responses": with_errors(&["400", "403", "404", "409", "413", "415", "421", "422", "500"], ("201", ok_json(
            "The entry id, the person and the scan as the record keeps it.", json!({"type": "object"}))))
    }}));
}
