//! Natural-language questions: the `/*ask*/` marker ([`marker`]), the offline semantic NL→SQL engine ([`nl`]) and
//! the agent pipeline around it ([`pipeline`]: router, generators, validator, summarizer, KPI pack, memory).

pub mod context;
pub mod generate;
pub mod kpi;
pub mod llm;
pub mod marker;
pub mod memory;
pub mod nl;
pub mod pipeline;
pub mod route_llm;
pub mod router;
pub mod summarize;
pub mod validate;
