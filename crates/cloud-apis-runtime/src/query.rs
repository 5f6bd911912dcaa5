//! Optional query parameters that cost nothing when they are absent.
//!
//! progenitor adds every query parameter with reqwest's `RequestBuilder::query`, which opens the URL's query for
//! editing, serializes the value, and removes a query left empty, even when the value is `None` and nothing is
//! added. A list operation with six optional filters paid that six times per request. The generated code calls
//! [`QueryExt::query_param`] instead (the `present_query_params` code pass), which does nothing for `None`.

use serde::ser::{self, Impossible, Serialize, Serializer};

/// Adds query parameters to a request being built.
pub trait QueryExt {
    /// Adds `name=value` as progenitor's `QueryParam` would (arrays repeated or delimited as generated), or
    /// nothing when `value` serializes as `None`.
    fn query_param<T: Serialize>(self, name: &str, value: &T) -> Self;
}

impl QueryExt for reqwest::RequestBuilder {
    fn query_param<T: Serialize>(self, name: &str, value: &T) -> Self {
        if value.serialize(NoneProbe).is_ok() {
            return self;
        }
        self.query(&progenitor_client::QueryParam::new(name, value))
    }
}

/// A serializer that succeeds only for `None`: anything else is [`Present`].
struct NoneProbe;

/// The value is present (not `None`).
#[derive(Debug)]
struct Present;

impl std::fmt::Display for Present {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value is present")
    }
}

impl std::error::Error for Present {}

impl ser::Error for Present {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Present
    }
}

/// Every `serialize_*` method of `NoneProbe` but `serialize_none` answers [`Present`].
macro_rules! present {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> { Err(Present) })*
    };
}

impl Serializer for NoneProbe {
    type Ok = ();
    type Error = Present;
    type SerializeSeq = Impossible<(), Present>;
    type SerializeTuple = Impossible<(), Present>;
    type SerializeTupleStruct = Impossible<(), Present>;
    type SerializeTupleVariant = Impossible<(), Present>;
    type SerializeMap = Impossible<(), Present>;
    type SerializeStruct = Impossible<(), Present>;
    type SerializeStructVariant = Impossible<(), Present>;

    fn serialize_none(self) -> Result<(), Present> {
        Ok(())
    }

    present!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Present> {
        Err(Present)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Present> {
        Err(Present)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Present> {
        Err(Present)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Present> {
        Err(Present)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Present> {
        Err(Present)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Present> {
        Err(Present)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Present> {
        Err(Present)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Present> {
        Err(Present)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Present> {
        Err(Present)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Present> {
        Err(Present)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_of(builder: reqwest::RequestBuilder) -> String {
        builder.build().unwrap().url().to_string()
    }

    #[test]
    fn absent_values_leave_the_url_alone_and_present_ones_are_added_as_progenitor_would() {
        let client = crate::http_client_builder().build().unwrap();
        let base = || client.get("https://example.com/roles");
        let none: Option<u32> = None;
        assert_eq!(
            url_of(base().query_param("limit", &none)),
            "https://example.com/roles"
        );
        assert_eq!(
            url_of(base().query_param("limit", &Some(5))),
            "https://example.com/roles?limit=5"
        );
        let names = Some(vec!["a b".to_string(), "c".to_string()]);
        let ours = url_of(
            base()
                .query_param("name", &names)
                .query_param("sort-dir", &"asc"),
        );
        let theirs = url_of(
            base()
                .query(&progenitor_client::QueryParam::new("name", &names))
                .query(&progenitor_client::QueryParam::new("sort-dir", &"asc")),
        );
        assert_eq!(ours, theirs);
        assert!(ours.contains("name=a+b&name=c&sort-dir=asc"), "{ours}");
        // An empty list is present (progenitor sends it as nothing, as before).
        let empty: Option<Vec<u8>> = Some(vec![]);
        assert_eq!(
            url_of(base().query_param("ids", &empty)),
            url_of(base().query(&progenitor_client::QueryParam::new("ids", &empty)))
        );
    }
}
