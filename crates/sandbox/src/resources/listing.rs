//! Lists: the query's filters applied to records by naming convention, then one cursor page.

use serde_json::Value;

/// Query parameters that shape a page rather than filter it.
pub(crate) struct Paging {
    /// The opaque position to continue after (`cursor`).
    pub cursor: &'static str,
    /// The page size (`limit`).
    pub limit: &'static str,
    /// The page's field holding the next cursor (`next`).
    pub next: &'static str,
    /// Reverses the order (`sort-dir=desc`).
    pub sort_dir: &'static str,
}

impl Paging {
    /// A provider whose lists answer every record at once (no parameter is named "").
    pub const NONE: Self = Self {
        cursor: "",
        limit: "",
        next: "",
        sort_dir: "",
    };
}

/// Whether a record passes the query's filters. A filter names a record field in kebab case:
/// - `id`/`ids`: the record's key is one of the values;
/// - `name-contains` (or `contains`): that field (or any text field) contains the text, ignoring case;
/// - any other name: the field (or its plural, for a list field) equals one of the values.
///
/// Filters that name no field of the record, or an object field, are not applied (the sandbox does not guess).
pub(crate) fn matches(
    query: &[(String, String)],
    ignored: &[&str],
    key: &str,
    record: &Value,
) -> bool {
    let mut names: Vec<&str> = query.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter(|name| !ignored.contains(name))
        .all(|name| {
            let values: Vec<&str> = query
                .iter()
                .filter(|(n, _)| n == name)
                .flat_map(|(_, v)| v.split(','))
                .filter(|v| !v.is_empty())
                .collect();
            values.is_empty() || passes(name, &values, key, record)
        })
}

fn passes(name: &str, values: &[&str], key: &str, record: &Value) -> bool {
    if name == "id" || name == "ids" {
        return values.contains(&key);
    }
    if let Some(field) = name.strip_suffix("contains") {
        let needles: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
        let field = camel(field.trim_end_matches('-'));
        let texts: Vec<&str> = match record.get(&field).and_then(Value::as_str) {
            Some(text) => vec![text],
            None if field.is_empty() => record
                .as_object()
                .into_iter()
                .flat_map(|r| r.values())
                .filter_map(Value::as_str)
                .collect(),
            None => return true,
        };
        return texts.iter().any(|text| {
            let text = text.to_lowercase();
            needles.iter().any(|needle| text.contains(needle.as_str()))
        });
    }
    let field = camel(name);
    let equal = |v: &Value| {
        values
            .iter()
            .any(|wanted| scalar_text(v).as_deref() == Some(*wanted))
    };
    match record
        .get(&field)
        .or_else(|| record.get(format!("{field}s")))
    {
        Some(Value::Array(items)) => items.iter().any(equal),
        Some(Value::Object(_)) | None => true,
        Some(value) => equal(value),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(value.to_string()),
        _ => None,
    }
}

/// `log-type` → `logType`.
fn camel(kebab: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in kebab.chars() {
        match c {
            '-' | '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// One page of `records` (in key order, reversed when `descending`): those after `cursor` (the key the previous
/// page ended on, which may since have been deleted), at most `limit`, and the cursor of the next page when more
/// remain.
pub(crate) fn page(
    records: Vec<(String, Value)>,
    cursor: Option<&str>,
    limit: Option<usize>,
    descending: bool,
) -> (Vec<Value>, Option<String>) {
    let start = cursor.map_or(0, |c| {
        records
            .iter()
            .position(|(key, _)| (key.as_str() > c) != descending && key != c)
            .unwrap_or(records.len())
    });
    let limit = limit.unwrap_or(usize::MAX).max(1);
    let rest = records.len().saturating_sub(start);
    let next = (rest > limit).then(|| records[start + limit - 1].0.clone());
    let page = records
        .into_iter()
        .skip(start)
        .take(limit)
        .map(|(_, record)| record)
        .collect();
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn filters_follow_field_names() {
        let alert = json!({"status": "OPEN", "severity": "HIGH", "title": "Root login", "contextTags": ["phishing"],
                           "assignee": {"id": "user"}, "eventCount": 3, "managed": false});
        let yes = |pairs: &[(&str, &str)]| matches(&q(pairs), &["cursor"], "a-1", &alert);
        assert!(yes(&[("status", "OPEN,TRIAGED"), ("cursor", "zzz")]));
        assert!(!yes(&[("status", "CLOSED")]));
        assert!(yes(&[("context-tag", "phishing")]), "plural list field");
        assert!(yes(&[("title-contains", "ROOT")]));
        assert!(!yes(&[("title-contains", "okta")]));
        assert!(yes(&[("contains", "login")]), "any text field");
        assert!(yes(&[("ids", "a-2,a-1")]));
        assert!(!yes(&[("id", "a-2")]));
        assert!(yes(&[("managed", "false")]));
        assert!(
            yes(&[("assignee", "someone")]),
            "object fields are not compared"
        );
        assert!(yes(&[("include-deactivated", "true")]), "no such field");
        assert!(yes(&[("severity", "")]), "an empty value filters nothing");
    }

    #[test]
    fn pages_continue_after_the_cursor_and_end_without_one() {
        let records: Vec<(String, Value)> = (1..=5).map(|i| (format!("k{i}"), json!(i))).collect();
        let (first, next) = page(records.clone(), None, Some(2), false);
        assert_eq!(
            (first, next.as_deref()),
            (vec![json!(1), json!(2)], Some("k2"))
        );
        let (second, next) = page(records.clone(), Some("k2"), Some(2), false);
        assert_eq!(
            (second, next.as_deref()),
            (vec![json!(3), json!(4)], Some("k4"))
        );
        let (last, next) = page(records.clone(), Some("k4"), Some(2), false);
        assert_eq!((last, next), (vec![json!(5)], None));
        let (all, next) = page(records.clone(), None, None, false);
        assert_eq!((all.len(), next), (5, None));
        // A cursor whose record was deleted still continues after its place, in either direction.
        let (after, _) = page(records.clone(), Some("k2x"), Some(1), false);
        assert_eq!(after, vec![json!(3)]);
        let reversed: Vec<(String, Value)> = records.into_iter().rev().collect();
        let (after, next) = page(reversed, Some("k2x"), Some(1), true);
        assert_eq!((after, next.as_deref()), (vec![json!(2)], Some("k2")));
    }
}
