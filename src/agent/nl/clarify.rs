//! Builds clarification answers: names what was not understood and suggests 2–3 questions the
//! catalog can answer, so the engine never guesses silently.

use crate::catalog::semantic::{DimensionKind, SemanticModel};

use super::NlError;

/// Up to three answerable questions, built from the catalog (verified examples first).
pub fn suggestions(model: &SemanticModel, measure: Option<&str>) -> Vec<String> {
    let metric = measure
        .map(str::to_string)
        .or_else(|| model.default_measure().map(|m| m.name.clone()))
        .unwrap_or_else(|| "rows".into());
    let mut out = Vec::new();
    let dims: Vec<&str> = model
        .dimensions
        .iter()
        .filter(|d| d.kind == DimensionKind::Category)
        .map(|d| d.name.as_str())
        .take(2)
        .collect();
    for d in dims {
        out.push(format!("{metric} by {d}"));
    }
    if let Some(e) = model.tables.iter().find_map(|t| t.entity.clone()) {
        out.push(format!(
            "top 5 {} by {metric}",
            crate::catalog::semantic::pluralize(&e)
        ));
    }
    if !model.time_dimensions.is_empty() {
        out.push(format!("monthly {metric}"));
    }
    if measure.is_none() {
        out = model.examples.iter().take(3).cloned().chain(out).collect();
    }
    out.dedup();
    out.truncate(3);
    out
}

fn groupable(model: &SemanticModel) -> String {
    let mut names: Vec<String> = model
        .dimensions
        .iter()
        .filter(|d| d.kind != DimensionKind::Flag)
        .map(|d| d.name.clone())
        .take(8)
        .collect();
    names.extend(model.tables.iter().filter_map(|t| t.entity.clone()).take(4));
    names.push("month".into());
    names.join(", ")
}

/// A grouping word the catalog does not know ("revenue by colour").
pub fn unknown_grouping(model: &SemanticModel, word: &str, measures: &[String]) -> NlError {
    NlError::Clarify {
        message: format!(
            "I don't know what \"{word}\" is in this data, so I can't group by it. I can group by: {}.",
            groupable(model)
        ),
        suggestions: suggestions(model, measures.first().map(String::as_str)),
    }
}

/// A value-like word the catalog does not know ("revenue in Paris").
pub fn unknown_value(model: &SemanticModel, word: &str) -> NlError {
    NlError::Clarify {
        message: format!(
            "I don't know \"{word}\": it is not a value, measure or attribute I can find in the data. \
             Known attributes: {}.",
            groupable(model)
        ),
        suggestions: suggestions(model, None),
    }
}

/// Nothing in the question relates to the data.
pub fn nothing(model: &SemanticModel) -> NlError {
    let measures: Vec<&str> = model
        .measures
        .iter()
        .map(|m| m.name.as_str())
        .take(8)
        .collect();
    NlError::Clarify {
        message: format!(
            "I couldn't relate this question to the data. I can answer questions about {} — by {}.",
            measures.join(", "),
            groupable(model)
        ),
        suggestions: suggestions(model, None),
    }
}

/// An absence question ("never", "did not buy") the engine could not read as a list of members.
pub fn absence(model: &SemanticModel) -> NlError {
    let entity = model
        .tables
        .iter()
        .find_map(|t| t.entity.clone())
        .map(|e| crate::catalog::semantic::pluralize(&e))
        .unwrap_or_else(|| "products".into());
    NlError::Clarify {
        message: format!(
            "I can list what had no sales (e.g. \"{entity} with no orders in 2024\"), but I could not tell \
             which things this question asks about, or it also asks for a measure of them."
        ),
        suggestions: suggestions(model, None),
    }
}

/// A request to list members the data has no list of ("list the VIP customers" where customers are only a
/// type of receipt): names what can be listed instead of answering a figure.
pub fn nothing_to_list(model: &SemanticModel) -> NlError {
    NlError::Clarify {
        message: format!(
            "I couldn't find what to list in this data. I can list the values of: {}.",
            groupable(model)
        ),
        suggestions: suggestions(model, None),
    }
}
