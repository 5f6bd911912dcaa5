//! Integer parameters kept inside their documented range.
//!
//! progenitor types an integer query parameter by its format only; a `maximum` or `minimum` the spec documents
//! (Panther's alert pages hold at most 50 results, its user pages 1 to 60) is not checked. The generator calls
//! [`in_range`] for every such parameter, so an out-of-range value fails before anything is sent instead of
//! coming back as the provider's 400 (or being clamped silently).

use std::num::{NonZeroI64, NonZeroU64};

/// An integer parameter's value, set or not.
pub trait RangeValue {
    /// The value, if the parameter is set.
    fn value(&self) -> Option<i128>;
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl RangeValue for $t {
            fn value(&self) -> Option<i128> {
                Some(i128::from(*self))
            }
        }
    )*};
}
plain!(i8, i16, i32, i64, u8, u16, u32, u64);

impl RangeValue for NonZeroU64 {
    fn value(&self) -> Option<i128> {
        Some(i128::from(self.get()))
    }
}

impl RangeValue for NonZeroI64 {
    fn value(&self) -> Option<i128> {
        Some(i128::from(self.get()))
    }
}

impl<T: RangeValue> RangeValue for Option<T> {
    fn value(&self) -> Option<i128> {
        self.as_ref().and_then(RangeValue::value)
    }
}

/// Ok when `value` is unset or within `min..=max`; otherwise an invalid-request error naming the parameter (as the
/// spec spells it) and its range. Used by every generated operation with a bounded integer parameter.
///
/// ```
/// use cloud_apis_runtime::in_range;
///
/// assert!(in_range::<()>("limit", &Some(50_i64), None, Some(50)).is_ok());
/// assert!(in_range::<()>("limit", &None::<i64>, Some(1), Some(50)).is_ok());
/// let e = in_range::<()>("limit", &Some(51_i64), Some(1), Some(50)).unwrap_err();
/// assert!(e.to_string().contains("`limit` is 51; it must be from 1 to 50"), "{e}");
/// ```
// The error type is progenitor's, fixed by the generated code that `?`s it.
#[allow(clippy::result_large_err)]
pub fn in_range<E>(
    name: &str,
    value: &impl RangeValue,
    min: Option<i128>,
    max: Option<i128>,
) -> Result<(), progenitor_client::Error<E>> {
    let Some(v) = value.value() else {
        return Ok(());
    };
    if min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m) {
        return Ok(());
    }
    let range = match (min, max) {
        (Some(min), Some(max)) => format!("from {min} to {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => unreachable!("a value out of no range"),
    };
    Err(progenitor_client::Error::InvalidRequest(format!(
        "parameter `{name}` is {v}; it must be {range}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_unset_values_pass() {
        let ok = |v: Option<u64>| in_range::<()>("size", &v, Some(1), Some(60)).is_ok();
        assert!(ok(None) && ok(Some(1)) && ok(Some(60)));
        assert!(!ok(Some(0)) && !ok(Some(61)));
        assert!(in_range::<()>("n", &NonZeroU64::new(7).unwrap(), None, Some(5)).is_err());
        let e = in_range::<()>("offset", &-1_i64, Some(0), None).unwrap_err();
        assert!(
            e.to_string()
                .contains("`offset` is -1; it must be at least 0"),
            "{e}"
        );
    }
}
