//! API and security tests through the whole app (middleware included), with tower's `oneshot`.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Answer, HOST, ORIGIN, Server, TOKEN};
use serde_json::Value;
use vascalc_nutrition::FoodTable;
use vascalc_web::{assets, openapi, routes};

/// `request` to a fresh app without a record.
fn send(request: Request<Body>) -> Answer {
    Server::foods_only().send(request)
}

fn get(uri: &str) -> Answer {
    Server::foods_only().get(uri)
}

/// A same-origin write with the token, as the pages send it.
fn write(method: &str, uri: &str, body: &str) -> Answer {
    Server::foods_only().write_raw(method, uri, "application/json", body.as_bytes().to_vec())
}

#[test]
fn food_search_speaks_the_cli_vocabulary() {
    let a = get("/api/foods?q=chedar&limit=3");
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/json");
    let v = a.json();
    assert_eq!(v["query"], "chedar");
    // The same hits, serialised the same way, as the library gives (= `food search --format json`).
    let table = FoodTable::shipped().unwrap();
    let text = serde_json::to_string(&table.search("chedar", 3)).unwrap();
    let expected: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["hits"], expected);
    // "chedar" finds cheddar (SR28 01009) first (docs/food.md's typo example).
    assert_eq!(v["hits"][0]["id"], "ndb:01009");
    assert!(a.headers.contains_key("server-timing"));
}

#[test]
fn food_search_refuses_bad_parameters_with_the_field() {
    for (uri, field) in [
        ("/api/foods", "q"),
        ("/api/foods?q=%20%20", "q"),
        ("/api/foods?q=milk&limit=0", "limit"),
        ("/api/foods?q=milk&limit=51", "limit"),
        ("/api/foods?q=milk&limit=many", "limit"),
        ("/api/foods?q=milk&limit=-1", "limit"),
    ] {
        let a = get(uri);
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        let v = a.json();
        assert_eq!(v["error"], "invalid", "{uri}");
        assert_eq!(v["field"], field, "{uri}: {v}");
        assert!(!v["reason"].as_str().unwrap().is_empty());
    }
    let long = format!("/api/foods?q={}", "a".repeat(201));
    assert_eq!(get(&long).json()["field"], "q");
}

#[test]
fn food_show_with_portion_or_grams() {
    let a = get("/api/foods/ndb:01009");
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v["name"], "Cheese, cheddar");
    // SR28 01009 calcium: 710 mg per 100 g (USDA SR28).
    assert_eq!(v["per_100g"]["calcium_mg"]["value"], 710.0);
    assert_eq!(v["per_100g"]["calcium_mg"]["source"], "usda-sr28");
    assert!(v.get("serving").is_none());

    let v = get("/api/foods/ndb:01009?grams=30").json();
    assert_eq!(v["serving"]["grams"], 30.0);
    // 710 mg/100 g × 0.3.
    let ca = v["serving"]["nutrients"]["calcium_mg"]["value"]
        .as_f64()
        .unwrap();
    assert!((ca - 213.0).abs() < 1e-9, "{ca}");

    let food = FoodTable::shipped().unwrap().get("ndb:01009").unwrap();
    let cup = food.portion("1 cup").unwrap().grams;
    let v = get("/api/foods/ndb:01009?portion=1%20cup").json();
    assert_eq!(v["serving"]["grams"].as_f64().unwrap(), cup);
}

#[test]
fn food_show_refuses_bad_input() {
    let a = get("/api/foods/ndb:99999999");
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["error"], "not_found");
    for (uri, field) in [
        ("/api/foods/ndb:01009?grams=-5", "grams"),
        ("/api/foods/ndb:01009?grams=lots", "grams"),
        ("/api/foods/ndb:01009?grams=NaN", "grams"),
        ("/api/foods/ndb:01009?grams=30&portion=1%20cup", "grams"),
        ("/api/foods/ndb:01009?portion=1%20wheelbarrow", "portion"),
    ] {
        let a = get(uri);
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{uri}: {}",
            a.text()
        );
        assert_eq!(a.json()["field"], field, "{uri}");
    }
}

#[test]
fn nutrients_list_every_key_of_a_food() {
    let list = get("/api/nutrients").json();
    let food = get("/api/foods/ndb:01009").json();
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].as_str().unwrap())
        .collect();
    let food_keys: Vec<&str> = food["per_100g"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut a = keys.clone();
    a.sort_unstable();
    let mut b = food_keys;
    b.sort_unstable();
    assert_eq!(a, b);
    assert_eq!(list[0]["label"], "Energy");
    assert_eq!(list[0]["unit"], "kcal");
}

#[test]
fn foreign_or_missing_host_is_refused() {
    for host in [
        Some("evil.example"),
        Some("evil.example:7317"),
        Some("127.0.0.1:9999"),
        Some("localhost.evil.example:7317"),
        None,
    ] {
        let mut r = Request::get("/api/foods?q=milk");
        if let Some(h) = host {
            r = r.header(header::HOST, h);
        }
        let a = send(r.body(Body::empty()).unwrap());
        assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST, "{host:?}");
        assert_eq!(a.json()["error"], "misdirected");
    }
    // Pages too, and the page would have carried the token.
    let a = send(
        Request::get("/food")
            .header(header::HOST, "evil.example:7317")
            .body(Body::empty())
            .unwrap(),
    );
    assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(!a.text().contains(TOKEN));
    for host in ["localhost:7317", "[::1]:7317", "127.0.0.1:7317"] {
        let a = send(
            Request::get("/api/foods?q=milk")
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap(),
        );
        assert_eq!(a.status, StatusCode::OK, "{host}");
    }
}

#[test]
fn writes_without_origin_or_token_are_refused() {
    // POST to a GET-only route: the guard answers before routing would say 405.
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[], "Origin or Sec-Fetch-Site"),
        (&[("origin", ORIGIN)], "X-Vascalc-Token"),
        (
            &[("origin", ORIGIN), ("x-vascalc-token", "wrong")],
            "does not match",
        ),
        (
            &[
                ("origin", "http://evil.example"),
                ("x-vascalc-token", TOKEN),
            ],
            "another site",
        ),
        (
            &[("sec-fetch-site", "cross-site"), ("x-vascalc-token", TOKEN)],
            "another site",
        ),
    ];
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        for (headers, reason) in &cases {
            let mut r = Request::builder()
                .method(method)
                .uri("/api/foods")
                .header(header::HOST, HOST);
            for (k, v) in *headers {
                r = r.header(*k, *v);
            }
            let a = send(r.body(Body::empty()).unwrap());
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{method} {headers:?}");
            let v = a.json();
            assert_eq!(v["error"], "forbidden");
            assert!(
                v["reason"].as_str().unwrap().contains(reason),
                "{headers:?}: {v}"
            );
        }
    }
    // With both, the request reaches routing (which has no POST here).
    let a = write("POST", "/api/foods", "{}");
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.json()["error"], "method_not_allowed");
}

#[test]
fn every_answer_carries_the_security_headers() {
    for a in [
        get("/food"),
        get("/api/foods?q=milk"),
        get("/nowhere"),
        get("/assets/app.js"),
    ] {
        assert_eq!(
            a.headers[header::CONTENT_SECURITY_POLICY],
            vascalc_web::security::CONTENT_SECURITY_POLICY
        );
        assert_eq!(a.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(a.headers[header::X_FRAME_OPTIONS], "DENY");
    }
}

#[test]
fn pages_carry_the_token_and_load_only_embedded_assets() {
    let a = get("/food");
    assert_eq!(a.status, StatusCode::OK);
    let page = a.text();
    assert!(page.contains(&format!(
        "<meta name=\"vascalc-token\" content=\"{TOKEN}\">"
    )));
    // Every control has a label.
    for id in ["food-q", "food-portion", "food-grams"] {
        assert!(page.contains(&format!("<label for=\"{id}\">")), "{id}");
    }
    // Every script and stylesheet the page names is served, and nothing comes from elsewhere.
    for part in page
        .split("src=\"")
        .skip(1)
        .chain(page.split("href=\"").skip(1))
    {
        let url = &part[..part.find('"').unwrap()];
        if url.starts_with('#') || !url.starts_with("/assets/") {
            assert!(!url.contains("//"), "external reference {url}");
            continue;
        }
        assert_eq!(get(url).status, StatusCode::OK, "{url}");
    }
    for page in ["/", "/cac", "/measures", "/plan"] {
        let a = get(page);
        assert_eq!(a.status, StatusCode::OK, "{page}");
        let text = a.text();
        // Every labelled control's label points at an element that exists, and every form
        // control of the page has a label.
        for part in text.split("<label for=\"").skip(1) {
            let id = &part[..part.find('"').unwrap()];
            assert!(
                text.contains(&format!("id=\"{id}\"")),
                "{page}: label for missing #{id}"
            );
        }
        for tag in ["<input id=\"", "<select id=\""] {
            for part in text.split(tag).skip(1) {
                let id = &part[..part.find('"').unwrap()];
                assert!(
                    text.contains(&format!("<label for=\"{id}\"")),
                    "{page}: #{id} has no label"
                );
            }
        }
    }
    let missing = get("/assets/nothing.js");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let none = get("/nowhere");
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert!(none.text().contains("<h1>Not found</h1>"));
    assert!(!none.text().contains(TOKEN));
    let api_none = get("/api/nowhere");
    assert_eq!(api_none.json()["error"], "not_found");
}

#[test]
#[expect(
    clippy::print_stdout,
    reason = "the test prints the embedded assets' size"
)]
fn javascript_and_css_stay_under_300_kb() {
    let total = assets::total_bytes();
    let by_hand: usize = assets::ASSETS
        .iter()
        .filter(|a| a.name.ends_with(".js") || a.name.ends_with(".css"))
        .map(|a| get(&format!("/assets/{}", a.name)).body.len())
        .sum();
    assert_eq!(total, by_hand);
    println!(
        "embedded JavaScript and CSS: {:.1} KB in {} files (target < 300 KB)",
        total as f64 / 1024.0,
        assets::ASSETS.len()
    );
    assert!(total < 300 * 1024, "{total} bytes");
}

#[test]
fn the_openapi_document_describes_exactly_the_routes() {
    let a = get("/api/openapi.json");
    assert_eq!(a.status, StatusCode::OK);
    let doc = a.json();
    assert_eq!(doc, openapi::document());
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."));
    assert!(doc["info"]["title"].is_string());
    assert!(doc["info"]["version"].is_string());
    let paths = doc["paths"].as_object().unwrap();
    let routes = routes();
    let served: Vec<(String, String)> = routes
        .list()
        .iter()
        .map(|(m, p)| (m.to_lowercase(), p.to_string()))
        .collect();
    let mut documented = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["responses"].is_object(), "{method} {path}");
            documented.push((method.clone(), path.clone()));
        }
    }
    let mut s = served.clone();
    s.sort();
    documented.sort();
    assert_eq!(s, documented);
    // Every $ref points at a schema that exists.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(doc["components"]["schemas"][name].is_object(), "{name}");
    }
    // And the router answers exactly the listed methods on each path (405 for the others).
    for (_, path) in &served {
        let uri = path
            .replace("{id}", "ndb:01009")
            .replace("{name}", "app.css");
        for method in ["get", "post", "put", "patch", "delete"] {
            let a = if method == "get" {
                get(&uri)
            } else {
                write(&method.to_uppercase(), &uri, "{}")
            };
            let listed = served.contains(&(method.to_string(), path.clone()));
            assert_eq!(
                a.status == StatusCode::METHOD_NOT_ALLOWED,
                !listed,
                "{method} {uri}: {}",
                a.status
            );
        }
    }
}
