//! A stateful resource server derived from a spec: every operation is answered from what its path template,
//! method, parameters and documented responses say, with no handler of its own.
//!
//! - `GET /things` lists (filters by field name, cursor pages sized by `limit`), `POST /things` creates (the key
//!   from the body's key property or a new one; 409 for a taken key or unique field, when documented),
//!   `PATCH /things` changes every record whose key the body lists.
//! - `GET`/`PUT`/`POST`/`PATCH`/`DELETE /things/{id}` read, change and delete one record (404 when documented);
//!   `PUT` on a new key creates it when the spec says so (a documented 201, or a collection without a create).
//! - `GET /things/{id}/children` lists records under one record; `POST /things/{id}/verb` runs an action the
//!   provider names (anything else answers the record).
//! - A body field carrying an id mark (`x-cloud-apis-id`) must name an existing record of the collection keyed by
//!   that mark, when the operation documents 404.
//! - `GET` on a template whose answer is one object, not a page (`/user/me`), answers that collection's one record.
//! - Where the spec documents an `ETag` response header, the answer carries the record's entity tag; a change
//!   whose `If-Match` names another version answers 412, when documented.
//! - The answer is the first documented 2xx (201 for a `PUT` that created, 204 for a dry run), its body the record
//!   reshaped to the documented schema ([`Examples::conform`]): required fields made, undocumented ones dropped.
//!
//! What is really special to a provider (unique fields, actions, server-set values) is data in [`Rules`].

mod catalog;
mod listing;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{to_bytes, Bytes};
use axum::extract::{Query, Request, State as AxumState};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use cloud_apis_spec::conformance::{Lookup, Operation, Spec};
use cloud_apis_spec::example::Examples;
use cloud_apis_spec::resolve;
use serde_json::{json, Map, Value};

pub(crate) use listing::Paging;

use crate::reply::{body_json, error, json_reply, now, Provider};
use crate::{Locked, Shared, State};
use catalog::{page_array, response_schema, shape, success_status, Resource, Shape};

/// The largest request body the engine reads (the conformance layer has already read, bounded and checked it).
const BODY_LIMIT: usize = crate::conformance::REQUEST_BODY_LIMIT;

/// `POST {item}/{name}`: what the action named `name` does to the record.
pub(crate) type Action = (&'static str, fn(&mut Value));

/// What only the provider knows.
pub(crate) struct Rules {
    /// `(collection, field)`: fields no two records of a collection may share (a role's name).
    pub unique: &'static [(&'static str, &'static str)],
    /// How lists page.
    pub paging: Paging,
    /// The actions records offer.
    pub actions: &'static [Action],
    /// Fields set to the current time when a record is created.
    pub stamped_on_create: &'static [&'static str],
    /// Fields set to the current time whenever a record changes.
    pub stamped_on_change: &'static [&'static str],
    /// A query flag asking to validate only (answered with the documented 204, nothing stored).
    pub dry_run: &'static str,
    /// Values the server makes up for required fields nobody sent (ids, timestamps), by property name and schema.
    pub fill: fn(Option<&str>, &Value) -> Option<Value>,
}

/// The records of one provider, by collection template, then by key.
#[derive(Default)]
pub struct Store {
    collections: BTreeMap<String, BTreeMap<String, Value>>,
}

impl Store {
    fn records(&mut self, collection: &str) -> &mut BTreeMap<String, Value> {
        self.collections.entry(collection.to_string()).or_default()
    }

    /// The record `key` of `collection`.
    pub(crate) fn get(&self, collection: &str, key: &str) -> Option<&Value> {
        self.collections.get(collection)?.get(key)
    }
}

/// The records nested under one record (`/alerts/{id}/events` of one alert).
fn nested(collection: &str, key: &str, tail: &str) -> String {
    format!("{collection}/{key}/{tail}")
}

/// One provider's resources.
pub(crate) struct Engine {
    spec: Arc<Spec>,
    provider: Provider,
    rules: Rules,
    resources: BTreeMap<String, Resource>,
    store: fn(&mut State) -> &mut Store,
}

/// One request, as the engine reads it.
struct Call<'a> {
    method: Method,
    op: &'a Operation<'a>,
    /// The item's key: its path parameters, joined by `/`.
    key: String,
    query: Vec<(String, String)>,
    /// The `If-Match` request header.
    if_match: Option<String>,
    body: Value,
}

impl Call<'_> {
    fn documents(&self, status: u16) -> bool {
        self.op.op["responses"].get(status.to_string()).is_some()
    }

    fn flag(&self, name: &str) -> bool {
        self.query.iter().any(|(n, v)| n == name && v == "true")
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn success(&self) -> u16 {
        success_status(self.op.op).unwrap_or(200)
    }
}

impl Engine {
    /// The engine for `spec`; its records live where `store` points in the sandbox's state.
    pub(crate) fn new(
        spec: Arc<Spec>,
        provider: Provider,
        rules: Rules,
        store: fn(&mut State) -> &mut Store,
    ) -> Arc<Self> {
        let resources = catalog::resources(spec.doc());
        Arc::new(Self {
            spec,
            provider,
            rules,
            resources,
            store,
        })
    }

    /// A store holding `seeds`: `{collection: [record, ...]}` keyed by each record's key property, and
    /// `{nested template: {parent key: [record, ...]}}` for nested lists. Each record is reshaped to its schema.
    pub(crate) fn seeded(&self, seeds: &Value) -> Store {
        let mut store = Store::default();
        for (template, records) in seeds.as_object().into_iter().flatten() {
            match (shape(template), records) {
                (Shape::Collection { collection }, Value::Array(records)) => {
                    let resource = &self.resources[collection];
                    for record in records {
                        // A collection of one record with no key (`/user/me`) keeps it under "".
                        let key = match &resource.key_property {
                            Some(p) => record[p].as_str().expect("a seed record carries its key"),
                            None => "",
                        }
                        .to_string();
                        let record = self.examples().conform(&resource.schema, record.clone());
                        store.records(collection).insert(key, record);
                    }
                }
                (Shape::Nested { collection, tail }, Value::Object(parents)) => {
                    for (parent, children) in parents {
                        let records = store.records(&nested(collection, parent, tail));
                        for (i, child) in children.as_array().into_iter().flatten().enumerate() {
                            records.insert(format!("{i:08}"), child.clone());
                        }
                    }
                }
                _ => panic!("seed {template}: not a collection's list or a nested list by parent"),
            }
        }
        store
    }

    fn examples(&self) -> Examples<'_> {
        Examples::new(&self.spec, &self.rules.fill)
    }

    fn resource(&self, collection: &str) -> &Resource {
        static NONE: Resource = Resource {
            schema: Value::Null,
            key_property: None,
            key_mark: None,
            creatable: false,
        };
        self.resources.get(collection).unwrap_or(&NONE)
    }

    /// The answer to one request; the conformance layer has checked it against the spec already.
    fn answer(&self, store: &mut Store, call: &Call<'_>) -> Response {
        match (shape(call.op.template), &call.method) {
            (Shape::Collection { collection }, &Method::GET) => {
                let records = store.records(collection).clone().into_iter().collect();
                self.list(call, records)
            }
            (Shape::Collection { collection }, &Method::POST) => {
                self.create(store, call, collection)
            }
            (Shape::Collection { collection }, _) => self.change_many(store, call, collection),
            (Shape::Item { collection }, &Method::GET) => match store.get(collection, &call.key) {
                Some(record) => self.reply(call, call.success(), Some(record.clone())),
                None => self.not_found(collection, &call.key),
            },
            (Shape::Item { collection }, &Method::DELETE) => {
                match store.records(collection).remove(&call.key) {
                    None if call.documents(404) => self.not_found(collection, &call.key),
                    _ => self.reply(call, call.success(), None),
                }
            }
            (Shape::Item { collection }, _) => self.change(store, call, collection),
            (Shape::Nested { collection, tail }, method) => {
                if store.get(collection, &call.key).is_none() {
                    return self.not_found(collection, &call.key);
                }
                if method == Method::GET {
                    let records = store.records(&nested(collection, &call.key, tail));
                    return self.list(call, records.clone().into_iter().collect());
                }
                let record = store.records(collection).get_mut(&call.key);
                let record = record.expect("checked above");
                if let Some((_, action)) = self.rules.actions.iter().find(|(name, _)| *name == tail)
                {
                    action(record);
                    self.stamp(record, collection, self.rules.stamped_on_change);
                }
                let record = record.clone();
                self.reply(call, call.success(), Some(record))
            }
        }
    }

    fn list(&self, call: &Call<'_>, mut records: Vec<(String, Value)>) -> Response {
        let doc = self.spec.doc();
        let schema = response_schema(doc, call.op.op, call.success());
        let Some((name, _)) = schema.and_then(|s| page_array(doc, s)) else {
            // Not a page: the collection's one record (the caller's user, the IAM parameters).
            let record = records.into_iter().next().map(|(_, record)| record);
            return self.reply(call, call.success(), record);
        };
        let paging = &self.rules.paging;
        let ignored = [
            paging.cursor,
            paging.limit,
            paging.sort_dir,
            self.rules.dry_run,
        ];
        records.retain(|(key, record)| listing::matches(&call.query, &ignored, key, record));
        let descending = call.param(paging.sort_dir) == Some("desc");
        if descending {
            records.reverse();
        }
        let limit_param = self.parameter(call, paging.limit);
        let limit = call
            .param(paging.limit)
            .and_then(|l| l.parse().ok())
            .or_else(|| limit_param.and_then(|p| p["schema"]["default"].as_u64()))
            .map(|l| l as usize)
            .filter(|_| limit_param.is_some());
        let cursor = call.param(paging.cursor);
        let (results, next) = listing::page(records, cursor, limit, descending);
        let mut page = Map::new();
        page.insert(name.to_string(), Value::Array(results));
        if let Some(next) = next {
            page.insert(paging.next.to_string(), Value::String(next));
        }
        self.reply(call, call.success(), Some(Value::Object(page)))
    }

    fn create(&self, store: &mut Store, call: &Call<'_>, collection: &str) -> Response {
        if let Some(answer) = self.before_writing(store, call) {
            return answer;
        }
        let key = self
            .resource(collection)
            .key_in(&call.body)
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string);
        if store.get(collection, &key).is_some() && call.documents(409) {
            return self.conflict(collection, "key", &key);
        }
        if let Some(refused) = self.unique_conflict(store, call, collection, None) {
            return refused;
        }
        let mut record = object(call.body.clone());
        self.stamp(&mut record, collection, self.rules.stamped_on_create);
        self.stamp(&mut record, collection, self.rules.stamped_on_change);
        let record = self.stored(store, collection, &key, record);
        self.reply(call, call.success(), Some(record))
    }

    /// `PUT`/`POST`/`PATCH` on one record, or a create when the spec says a new key creates. `PATCH` merges the
    /// body's fields into the record; `PUT` (and a `POST` update) replaces it: the record becomes the body, keeping
    /// only what the server owns (see [`Engine::server_owned`]).
    fn change(&self, store: &mut Store, call: &Call<'_>, collection: &str) -> Response {
        let resource = self.resource(collection);
        let existing = store.get(collection, &call.key).cloned();
        let creates = existing.is_none()
            && call.method == Method::PUT
            && (call.documents(201) || !resource.creatable || !call.documents(404));
        if existing.is_none() && !creates {
            return self.not_found(collection, &call.key);
        }
        if let (Some(record), Some(wanted)) = (&existing, &call.if_match) {
            if call.documents(412) && !matches(wanted, &etag(record)) {
                return error(
                    self.provider,
                    StatusCode::PRECONDITION_FAILED,
                    "PreconditionFailed",
                    format!(
                        "{collection}: {:?} changed since version {wanted}",
                        call.key
                    ),
                );
            }
        }
        if let Some(answer) = self.before_writing(store, call) {
            return answer;
        }
        // A body may rename the record (a context tag's new `tag`).
        let renamed = resource
            .key_in(&call.body)
            .filter(|new| *new != call.key)
            .map(str::to_string);
        if let Some(new) = &renamed {
            if store.get(collection, new).is_some() && call.documents(409) {
                return self.conflict(collection, "key", new);
            }
        }
        if let Some(refused) = self.unique_conflict(store, call, collection, Some(&call.key)) {
            return refused;
        }
        let mut record = match existing {
            Some(mut record) if call.method == Method::PATCH => {
                merge(&mut record, &call.body);
                record
            }
            Some(existing) => {
                let mut record = self.server_owned(call, collection, existing);
                merge(&mut record, &call.body);
                record
            }
            None => object(call.body.clone()),
        };
        for (name, value) in &call.op.path_params {
            if resource.schema_has(&self.spec, name)
                && resource.key_property.as_deref() != Some(name)
            {
                record[name.as_str()] = Value::String(value.clone());
            }
        }
        if creates {
            self.stamp(&mut record, collection, self.rules.stamped_on_create);
        }
        self.stamp(&mut record, collection, self.rules.stamped_on_change);
        let key = match renamed {
            Some(new) => {
                store.records(collection).remove(&call.key);
                new
            }
            None => call.key.clone(),
        };
        let record = self.stored(store, collection, &key, record);
        let status = match creates && call.documents(201) {
            true => 201,
            false => call.success(),
        };
        self.reply(call, status, Some(record))
    }

    /// What a replacing write keeps of `existing`: the fields a request cannot set (those the operation's request
    /// body does not declare: ids, creators, server-made values such as a token's secret), and the fields stamped
    /// when the record was created. Everything the request can name is replaced, by its value or by its absence.
    fn server_owned(&self, call: &Call<'_>, collection: &str, existing: Value) -> Value {
        let doc = self.spec.doc();
        let writable: Vec<String> = call
            .op
            .op
            .get("requestBody")
            .map(|body| resolve(doc, body))
            .and_then(|body| body.pointer("/content/application~1json/schema"))
            .and_then(|schema| resolve(doc, schema)["properties"].as_object())
            .map(|properties| properties.keys().cloned().collect())
            .unwrap_or_default();
        let key = self.resource(collection).key_property.as_deref();
        let Value::Object(fields) = existing else {
            return json!({});
        };
        let kept = fields.into_iter().filter(|(name, _)| {
            !writable.contains(name)
                || Some(name.as_str()) == key
                || self.rules.stamped_on_create.contains(&name.as_str())
        });
        Value::Object(kept.collect())
    }

    /// `PATCH` on a collection: the body lists the keys it changes (the array of the collection's id mark) and the
    /// fields to merge into each.
    fn change_many(&self, store: &mut Store, call: &Call<'_>, collection: &str) -> Response {
        if let Some(answer) = self.before_writing(store, call) {
            return answer;
        }
        let resource = self.resource(collection);
        let keys_field = self
            .body_fields(call)
            .into_iter()
            .find(|(_, mark, many)| *many && resource.key_mark.as_deref() == Some(*mark));
        let Some((keys_field, _, _)) = keys_field else {
            return self.reply(call, call.success(), None);
        };
        let keys: Vec<String> = call.body[keys_field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        let mut change = call.body.clone();
        if let Some(fields) = change.as_object_mut() {
            fields.remove(keys_field);
        }
        for key in keys {
            if let Some(mut record) = store.get(collection, &key).cloned() {
                merge(&mut record, &change);
                self.stamp(&mut record, collection, self.rules.stamped_on_change);
                self.stored(store, collection, &key, record);
            }
        }
        self.reply(call, call.success(), None)
    }

    /// Stores `record` under `key` (its key property set, reshaped to the collection's schema) and returns it.
    fn stored(&self, store: &mut Store, collection: &str, key: &str, mut record: Value) -> Value {
        let resource = self.resource(collection);
        if let Some(property) = &resource.key_property {
            record[property.as_str()] = Value::String(key.to_string());
        }
        let record = self.examples().conform(&resource.schema, record);
        store
            .records(collection)
            .insert(key.to_string(), record.clone());
        record
    }

    fn stamp(&self, record: &mut Value, collection: &str, fields: &[&str]) {
        let resource = self.resource(collection);
        for field in fields {
            if resource.schema_has(&self.spec, field) {
                record[*field] = Value::String(now());
            }
        }
    }

    /// The request body's fields that carry an id mark: `(name, mark, is a list)`.
    fn body_fields<'c>(&'c self, call: &'c Call<'_>) -> Vec<(&'c str, &'c str, bool)> {
        let doc = self.spec.doc();
        let Some(schema) = call
            .op
            .op
            .pointer("/requestBody/content/application~1json/schema")
        else {
            return Vec::new();
        };
        let properties = resolve(doc, schema)["properties"].as_object();
        properties
            .into_iter()
            .flatten()
            .filter_map(|(name, property)| {
                let property = resolve(doc, property);
                let many = property["type"] == "array";
                let marked = match many {
                    true => resolve(doc, &property["items"]),
                    false => property,
                };
                let mark = marked["x-cloud-apis-id"].as_str()?;
                Some((name.as_str(), mark, many))
            })
            .collect()
    }

    /// The answer to a write that stops before it stores anything: 404 for a body naming a record that does not
    /// exist, 204 for a dry run.
    fn before_writing(&self, store: &Store, call: &Call<'_>) -> Option<Response> {
        self.missing_reference(store, call).or_else(|| {
            (call.flag(self.rules.dry_run) && call.documents(204))
                .then(|| self.reply(call, 204, None))
        })
    }

    /// 404 when the body names a record (by an id mark) that does not exist, if the operation documents 404.
    fn missing_reference(&self, store: &Store, call: &Call<'_>) -> Option<Response> {
        if !call.documents(404) {
            return None;
        }
        for (field, mark, _) in self.body_fields(call) {
            let owners: Vec<&String> = self
                .resources
                .iter()
                .filter(|(_, r)| r.key_mark.as_deref() == Some(mark))
                .map(|(collection, _)| collection)
                .collect();
            if owners.is_empty() {
                continue;
            }
            let values = match &call.body[field] {
                Value::Array(values) => values.iter().filter_map(Value::as_str).collect(),
                value => value.as_str().into_iter().collect::<Vec<_>>(),
            };
            for value in values {
                if !owners.iter().any(|c| store.get(c, value).is_some()) {
                    return Some(error(
                        self.provider,
                        StatusCode::NOT_FOUND,
                        "NotFound",
                        format!("`{field}`: no record {value:?} exists"),
                    ));
                }
            }
        }
        None
    }

    fn unique_conflict(
        &self,
        store: &Store,
        call: &Call<'_>,
        collection: &str,
        except: Option<&str>,
    ) -> Option<Response> {
        if !call.documents(409) {
            return None;
        }
        let records = store.collections.get(collection)?;
        self.rules
            .unique
            .iter()
            .filter(|(c, _)| *c == collection)
            .find_map(|(_, field)| {
                let wanted = call.body.get(*field).filter(|v| !v.is_null())?;
                let taken = records
                    .iter()
                    .any(|(key, r)| Some(key.as_str()) != except && &r[*field] == wanted);
                taken.then(|| self.conflict(collection, field, &wanted.to_string()))
            })
    }

    fn conflict(&self, collection: &str, field: &str, value: &str) -> Response {
        error(
            self.provider,
            StatusCode::CONFLICT,
            "Exists",
            format!("{collection}: a record with {field} {value} already exists"),
        )
    }

    fn not_found(&self, collection: &str, key: &str) -> Response {
        error(
            self.provider,
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("{collection}: no record {key:?}"),
        )
    }

    fn parameter<'s>(&'s self, call: &'s Call<'_>, name: &str) -> Option<&'s Value> {
        let doc = self.spec.doc();
        call.op.op["parameters"]
            .as_array()?
            .iter()
            .map(|p| resolve(doc, p))
            .find(|p| p["name"] == name && p["in"] == "query")
    }

    /// `status` with `body` reshaped to the documented schema (wrapped, when the schema is an envelope around the
    /// record such as `{data: Global}`), or with no body when the response documents none.
    /// The record's entity tag is sent where the response documents an `ETag` header.
    fn reply(&self, call: &Call<'_>, status: u16, body: Option<Value>) -> Response {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        let doc = self.spec.doc();
        let tag = body
            .as_ref()
            .filter(|_| documents_etag(doc, call.op.op, status))
            .map(etag);
        let mut response = match response_schema(doc, call.op.op, status) {
            None => code.into_response(),
            Some(schema) => {
                let body = body.unwrap_or_else(|| json!({}));
                let body = match envelope(doc, schema) {
                    Some(field) if body.get(field).is_none() => json!({ field: body }),
                    _ => body,
                };
                json_reply(code, self.examples().conform(schema, body))
            }
        };
        if let Some(tag) = tag.and_then(|t| HeaderValue::from_str(&t).ok()) {
            response.headers_mut().insert(header::ETAG, tag);
        }
        response
    }
}

impl Resource {
    /// The key a request body gives the record, if it carries the key property.
    fn key_in<'b>(&self, body: &'b Value) -> Option<&'b str> {
        body[self.key_property.as_deref()?].as_str()
    }

    fn schema_has(&self, spec: &Spec, property: &str) -> bool {
        resolve(spec.doc(), &self.schema)["properties"]
            .get(property)
            .is_some()
    }
}

/// Whether the response documented for `status` carries an `ETag` header.
fn documents_etag(doc: &Value, op: &Value, status: u16) -> bool {
    op["responses"]
        .get(status.to_string())
        .map(|r| resolve(doc, r))
        .and_then(|r| r["headers"].as_object())
        .is_some_and(|headers| headers.keys().any(|h| h.eq_ignore_ascii_case("etag")))
}

/// A record's entity tag: a digest of its stored JSON, so any change gives a new one.
fn etag(record: &Value) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    record.to_string().hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

/// Whether an `If-Match` value names the entity tag `current` (`*`, a list, weak or strong).
fn matches(if_match: &str, current: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_match
        .split(',')
        .any(|t| t.trim() == "*" || opaque(t) == opaque(current))
}

/// The one field of an envelope schema (`{data: {$ref}}`), if `schema` is one.
fn envelope<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a str> {
    let properties = resolve(doc, schema)["properties"].as_object()?;
    match properties.iter().collect::<Vec<_>>().as_slice() {
        [(name, property)] if property.get("$ref").is_some() => Some(name.as_str()),
        _ => None,
    }
}

fn object(value: Value) -> Value {
    match value {
        Value::Object(_) => value,
        _ => json!({}),
    }
}

/// The body's top-level fields replace the record's.
fn merge(record: &mut Value, body: &Value) {
    if let (Some(record), Some(body)) = (record.as_object_mut(), body.as_object()) {
        for (name, value) in body {
            record.insert(name.clone(), value.clone());
        }
    }
}

/// The handler every route of a provider's router falls back to.
pub(crate) async fn serve(
    AxumState((shared, engine)): AxumState<(Shared, Arc<Engine>)>,
    request: Request,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = Query::<Vec<(String, String)>>::try_from_uri(request.uri())
        .map(|Query(q)| q)
        .unwrap_or_default();
    let if_match = request
        .headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body: Bytes = to_bytes(request.into_body(), BODY_LIMIT)
        .await
        .unwrap_or_default();
    let Lookup::Operation(op) = engine.spec.lookup(method.as_str(), &path) else {
        return error(
            engine.provider,
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("no operation {method} {path}"),
        );
    };
    let key = op
        .path_params
        .iter()
        .map(|(_, v)| v.as_str())
        .collect::<Vec<_>>()
        .join("/");
    let call = Call {
        method,
        op: &op,
        key,
        query,
        if_match,
        body: body_json(&body),
    };
    let mut state = shared.locked();
    engine.answer((engine.store)(&mut state), &call)
}
