//! Natural-language questions: finding the `/*ask*/` marker in a statement ([`marker`]) and the offline,
//! deterministic semantic NL→SQL engine ([`nl`]) that answers them from the catalog.

pub mod marker;
pub mod nl;
