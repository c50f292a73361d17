//! The compact context given to the LLM: the tables and columns most relevant to the question (ranked, not the
//! whole schema), sample values, the catalog's measures and verified examples, and the conversation history.

use crate::agent::memory::Conversation;
use crate::catalog::schema::LakeSnapshot;
use crate::catalog::semantic::SemanticModel;

/// Tables listed in the context at most.
const MAX_TABLES: usize = 4;
/// Sample values shown per column.
const MAX_SAMPLES: usize = 5;
/// History turns shown.
const MAX_HISTORY: usize = 4;

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(|w| w.trim_end_matches('s').to_owned())
        .collect()
}

fn overlap(q: &[String], text: &str) -> usize {
    let t = words(text);
    q.iter().filter(|w| t.contains(w)).count()
}

/// The schema part of the prompt, ranked by relevance to `question`.
pub fn schema_context(model: &SemanticModel, lake: &LakeSnapshot, question: &str) -> String {
    let q = words(question);
    let mut ranked: Vec<(usize, &crate::catalog::schema::TableInfo)> = lake
        .tables
        .iter()
        .map(|t| {
            let mut score = overlap(&q, &t.name) * 3;
            for c in &t.columns {
                score += overlap(&q, &c.name) * 2;
                score += c
                    .sample_values
                    .iter()
                    .filter(|v| overlap(&q, v) > 0)
                    .count();
            }
            score += model
                .measures
                .iter()
                .filter(|m| m.table == t.name)
                .map(|m| {
                    overlap(&q, &m.name) + m.synonyms.iter().map(|s| overlap(&q, s)).sum::<usize>()
                })
                .sum::<usize>();
            if model.table(&t.name).is_some_and(|d| d.fact) {
                score += 1;
            }
            (score, t)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.name.cmp(&b.1.name)));
    let mut out = String::from("Tables (most relevant first):\n");
    for (_, t) in ranked.iter().take(MAX_TABLES) {
        out.push_str(&format!("- {}(", t.name));
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                let samples: Vec<&str> = c
                    .sample_values
                    .iter()
                    .take(MAX_SAMPLES)
                    .map(String::as_str)
                    .collect();
                if samples.is_empty() {
                    format!("{} {}", c.name, c.data_type)
                } else {
                    format!("{} {} e.g. {}", c.name, c.data_type, samples.join("|"))
                }
            })
            .collect();
        out.push_str(&cols.join(", "));
        out.push_str(")\n");
    }
    if !model.joins.is_empty() {
        out.push_str("Joins:\n");
        for j in &model.joins {
            out.push_str(&format!("- {} = {}\n", j.from, j.to));
        }
    }
    out.push_str("Measures:\n");
    for m in &model.measures {
        out.push_str(&format!(
            "- {} on {}: {} ({:?})\n",
            m.name, m.table, m.expr, m.agg
        ));
    }
    if !model.examples.is_empty() {
        out.push_str("Verified example questions:\n");
        for e in model.examples.iter().take(8) {
            out.push_str(&format!("- {e}\n"));
        }
    }
    out
}

/// The recent turns, for the user message.
pub fn history(conv: &Conversation) -> String {
    let start = conv.turns.len().saturating_sub(MAX_HISTORY);
    conv.turns[start..]
        .iter()
        .map(|t| format!("Earlier question: {}\nEarlier SQL: {}\n", t.question, t.sql))
        .collect()
}
