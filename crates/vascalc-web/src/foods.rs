//! Food search and food show over vascalc-nutrition's embedded table (not record data, so
//! straight from the nutrition crate). The JSON is `vascalc food search|show --format json`'s.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use vascalc_nutrition::{SearchHit, Shown};

use crate::error::{ApiError, ApiQuery};
use crate::{Routes, Shared};

pub(crate) fn register(r: Routes) -> Routes {
    r.add("/api/foods", &["GET"], get(search))
        .add("/api/foods/{id}", &["GET"], get(show))
        .add("/api/nutrients", &["GET"], get(nutrients))
}

/// The most results one search returns.
pub(crate) const MAX_LIMIT: usize = 50;
/// The longest query accepted, in bytes.
pub(crate) const MAX_QUERY: usize = 200;

#[derive(Deserialize)]
pub(crate) struct SearchParams {
    q: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize)]
struct SearchOutput<'a> {
    query: &'a str,
    hits: Vec<SearchHit<'a>>,
}

async fn search(
    State(state): State<Shared>,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Response, ApiError> {
    let query = p.q.unwrap_or_default();
    let query = query.trim();
    if query.is_empty() {
        return Err(ApiError::invalid(
            "q",
            "the search query is empty; type a food's name (e.g. q=natto)",
        ));
    }
    if query.len() > MAX_QUERY {
        return Err(ApiError::invalid(
            "q",
            format!(
                "the search query is {} bytes long; at most {MAX_QUERY} are searched",
                query.len()
            ),
        ));
    }
    let limit = match p.limit.as_deref() {
        None => 10,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid(
                    "limit",
                    format!("limit {text:?} is not a whole number from 1 to {MAX_LIMIT}"),
                ));
            }
        },
    };
    let hits = state.foods.search(query, limit);
    crate::json(&SearchOutput { query, hits })
}

#[derive(Deserialize)]
pub(crate) struct ShowParams {
    portion: Option<String>,
    grams: Option<String>,
}

async fn show(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<ShowParams>,
) -> Result<Response, ApiError> {
    let food = state.foods.get(&id).ok_or_else(|| {
        ApiError::not_found(format!(
            "no food with id {id:?}; find ids with /api/foods?q=WORDS"
        ))
    })?;
    let grams = match p.grams.as_deref() {
        None => None,
        Some(text) => match text.trim().parse::<f64>() {
            Ok(g) if g.is_finite() && g >= 0.0 => Some(g),
            _ => {
                return Err(ApiError::invalid(
                    "grams",
                    format!("grams {text:?} is not an amount: give a number of grams, 0 or more"),
                ));
            }
        },
    };
    if p.portion.is_some() && grams.is_some() {
        return Err(ApiError::invalid(
            "grams",
            "give either portion or grams, not both",
        ));
    }
    let field = if p.portion.is_some() {
        "portion"
    } else {
        "grams"
    };
    let serving = food
        .serving_for(p.portion.as_deref(), grams)
        .map_err(|e| ApiError::invalid(field, e.to_string()))?;
    crate::json(&Shown { food, serving })
}

#[derive(Serialize)]
struct NutrientInfo {
    key: &'static str,
    label: &'static str,
    unit: &'static str,
}

/// The nutrient keys of `per_100g` with their labels and units, in display order.
async fn nutrients() -> Result<Response, ApiError> {
    let list: Vec<NutrientInfo> = vascalc_nutrition::Nutrient::ALL
        .iter()
        .map(|n| NutrientInfo {
            key: n.key(),
            label: n.label(),
            unit: n.unit().symbol(),
        })
        .collect();
    crate::json(&list)
}
