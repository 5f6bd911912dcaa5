//! `email_format_pattern`
//!
//! **What:** every string schema with `format: email` and no `pattern` gets a pattern that accepts exactly one
//! `local@domain.tld` address (no spaces, one `@`, a dot in the domain).
//!
//! **Why:** progenitor (typify) ignores `format: email`: SCP's `audit_login_id` would become a string limited only
//! by its length, so `"not an email"` would be sent and refused by the server instead of by the client.
//!
//! **Instead:** the pattern makes the generated newtype validate the address in `TryFrom`/`FromStr`/`Deserialize`,
//! like every other constrained field, before any request is built. The format keyword itself stays.

use serde_json::{json, Value};

use super::Change;

const NAME: &str = "email_format_pattern";
/// ECMAScript syntax (progenitor validates patterns with `regress`).
pub(crate) const EMAIL_PATTERN: &str = r"^[^\s@]+@[^\s@]+\.[^\s@]+$";

pub(super) fn apply(doc: &mut Value, changes: &mut Vec<Change>) {
    let mut count = 0;
    super::visit_schemas(doc, &mut |map| {
        let is_email = map.get("format") == Some(&json!("email"))
            && map.get("type") == Some(&json!("string"))
            && !map.contains_key("pattern");
        if is_email {
            map.insert("pattern".into(), json!(EMAIL_PATTERN));
            count += 1;
        }
    });
    if count > 0 {
        changes.push(Change {
            transform: NAME,
            detail: format!("{count} `format: email` field(s) validated with {EMAIL_PATTERN}"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_fields_get_a_pattern_and_keep_their_other_constraints() {
        let mut doc = json!({"components": {"schemas": {"LandingZone": {"properties": {
            "audit_login_id": {"type": "string", "format": "email", "maxLength": 60,
                               "example": {"format": "email", "type": "string"}},
            "custom": {"type": "string", "format": "email", "pattern": "^.+@corp$"},
            "name": {"type": "string"}
        }}}}});
        let mut changes = Vec::new();
        apply(&mut doc, &mut changes);
        let props = &doc["components"]["schemas"]["LandingZone"]["properties"];
        assert_eq!(props["audit_login_id"]["pattern"], EMAIL_PATTERN);
        assert_eq!(props["audit_login_id"]["maxLength"], 60);
        assert_eq!(props["custom"]["pattern"], "^.+@corp$");
        assert!(props["name"].get("pattern").is_none());
        assert!(props["audit_login_id"]["example"].get("pattern").is_none());
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn the_pattern_accepts_addresses_and_refuses_the_rest() {
        // Compiled with `regress`, the engine the generated newtypes use.
        let re = regress::Regex::new(EMAIL_PATTERN).unwrap();
        for good in [
            "audit@samsung.com",
            "log-archive@samsung.com",
            "a.b+c@x.co.kr",
        ] {
            assert!(re.find(good).is_some(), "{good}");
        }
        for bad in [
            "not an email",
            "a@b",
            "@samsung.com",
            "a b@c.com",
            "a@@b.com",
            "a@b.",
        ] {
            assert!(re.find(bad).is_none(), "{bad}");
        }
    }
}
