//! What the lake holds. The registry reads table schemas and statistics from the engine; the semantic model
//! (measures, dimensions, synonyms, joins) is loaded from `catalog/*.yaml|toml` or inferred from the schema.

pub mod infer;
pub mod registry;
pub mod schema;
pub mod semantic;
