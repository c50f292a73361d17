//! Client-quirk rewrites applied to SQL text before the guard: PostgreSQL-only syntax that catalog queries from
//! psql, pgJDBC, psqlODBC, Metabase and Grafana use, mapped onto DuckDB plus the emulated catalog. Each rule works
//! on tokens (never inside string literals, quoted identifiers or comments) and documents what it does not bridge.

/// One lexical token; the rewrite keeps the original text so that untouched SQL is reproduced byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// Unquoted identifier or keyword.
    Word(String),
    /// `"quoted identifier"` (with its quotes).
    Quoted(String),
    /// `'string literal'` (with its quotes and any `E` prefix).
    Str(String),
    /// Whitespace or a comment.
    Space(String),
    /// Any other symbol run (operators, punctuation, numbers, parameters).
    Sym(String),
}

impl Tok {
    fn text(&self) -> &str {
        match self {
            Tok::Word(s) | Tok::Quoted(s) | Tok::Str(s) | Tok::Space(s) | Tok::Sym(s) => s,
        }
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self, Tok::Word(s) if s.eq_ignore_ascii_case(w))
    }

    fn is_sym(&self, w: &str) -> bool {
        matches!(self, Tok::Sym(s) if s == w)
    }

    /// The identifier this token names, unquoted and case-folded like PostgreSQL does.
    fn ident(&self) -> Option<String> {
        match self {
            Tok::Word(s) => Some(s.to_ascii_lowercase()),
            Tok::Quoted(s) => Some(s.trim_matches('"').replace("\"\"", "\"")),
            _ => None,
        }
    }
}

const OPERATOR_CHARS: &[u8] = b"+-*/<>=~!@#%^&|`?";

fn lex(sql: &str) -> Vec<Tok> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let tok = if c.is_ascii_whitespace() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            Tok::Space(sql[start..i].to_owned())
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            Tok::Space(sql[start..i].to_owned())
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            Tok::Space(sql[start..i.min(b.len())].to_owned())
        } else if c == b'\''
            || c == b'"'
            || ((c == b'E' || c == b'e') && b.get(i + 1) == Some(&b'\''))
        {
            let escapes = c == b'E' || c == b'e';
            if escapes {
                i += 1;
            }
            let q = b[i];
            i += 1;
            while i < b.len() {
                if escapes && b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i] == q {
                    if b.get(i + 1) == Some(&q) {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            let text = sql[start..i.min(b.len())].to_owned();
            if q == b'"' {
                Tok::Quoted(text)
            } else {
                Tok::Str(text)
            }
        } else if c == b'$' && b.get(i + 1).is_some_and(|d| !d.is_ascii_digit()) {
            // Dollar-quoted string: $tag$ ... $tag$.
            let tag_end = sql[i + 1..].find('$').map(|p| i + 1 + p);
            match tag_end {
                Some(te)
                    if sql[i + 1..te]
                        .bytes()
                        .all(|x| x.is_ascii_alphanumeric() || x == b'_') =>
                {
                    let tag = &sql[i..=te];
                    let body = te + 1;
                    i = sql[body..]
                        .find(tag)
                        .map_or(b.len(), |p| body + p + tag.len());
                    Tok::Str(sql[start..i].to_owned())
                }
                _ => {
                    i += 1;
                    Tok::Sym("$".into())
                }
            }
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            Tok::Word(sql[start..i].to_owned())
        } else if c == b':' && b.get(i + 1) == Some(&b':') {
            i += 2;
            Tok::Sym("::".into())
        } else if OPERATOR_CHARS.contains(&c) {
            while i < b.len() && OPERATOR_CHARS.contains(&b[i]) {
                if (b[i] == b'-' && b.get(i + 1) == Some(&b'-'))
                    || (b[i] == b'/' && b.get(i + 1) == Some(&b'*'))
                {
                    break;
                }
                i += 1;
            }
            if i == start {
                i += 1;
            }
            Tok::Sym(sql[start..i].to_owned())
        } else if c.is_ascii_digit() || c == b'$' {
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            Tok::Sym(sql[start..i].to_owned())
        } else {
            // Single punctuation (possibly a multi-byte char: advance a whole char).
            i += sql[i..].chars().next().map_or(1, char::len_utf8);
            Tok::Sym(sql[start..i].to_owned())
        };
        out.push(tok);
    }
    out
}

/// Index of the next non-space token at or after `i`.
fn next_solid(toks: &[Tok], i: usize) -> Option<usize> {
    (i..toks.len()).find(|&j| !matches!(toks[j], Tok::Space(_)))
}

/// Copies `toks`, letting `at` rewrite the tokens that start at each index: it pushes its replacement into `out`
/// and returns the index after what it replaced, or `None` to keep the token as it is. `out` holds what was
/// written so far, so a rule can look behind.
fn scan(
    toks: &[Tok],
    mut at: impl FnMut(&[Tok], usize, &mut Vec<Tok>) -> Option<usize>,
) -> Vec<Tok> {
    let mut out = Vec::with_capacity(toks.len() + 2);
    let mut i = 0;
    while i < toks.len() {
        match at(toks, i, &mut out) {
            Some(next) => i = next,
            None => {
                out.push(toks[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// A rewrite rule over the token stream.
trait Rule {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok>;
}

/// `pg_catalog.x` → `x`: the emulated catalog lives unqualified in DuckDB's `main` schema, which shadows DuckDB's
/// own `pg_catalog` views and macros (whose OIDs and types are wrong for drivers). Also covers `"pg_catalog".x`
/// and type names (`::pg_catalog.text`). Does not bridge three-part names (`db.pg_catalog.x`), which stay as is
/// (and are refused by the guard).
struct StripCatalogQualifier;

impl Rule for StripCatalogQualifier {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        scan(&toks, |toks, i, out| {
            let qualifier = toks[i].ident().as_deref() == Some("pg_catalog")
                && toks.get(i + 1).is_some_and(|t| t.is_sym("."))
                && !out.last().is_some_and(|t| t.is_sym("."));
            if qualifier {
                return Some(i + 2);
            }
            None
        })
    }
}

/// `OPERATOR(~)` (after the qualifier is stripped, psql writes `OPERATOR(pg_catalog.~)`) → ` ~ `. Bridges any
/// single operator; does not bridge operators DuckDB lacks (e.g. `~*` stays unknown).
struct OperatorSyntax;

impl Rule for OperatorSyntax {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        scan(&toks, |toks, i, out| {
            if toks[i].is_word("operator") {
                let open = next_solid(toks, i + 1);
                let op = open.and_then(|o| {
                    toks[o]
                        .is_sym("(")
                        .then(|| next_solid(toks, o + 1))
                        .flatten()
                });
                let close = op.and_then(|p| next_solid(toks, p + 1));
                if let (Some(p), Some(c)) = (op, close) {
                    if toks[c].is_sym(")") && matches!(toks[p], Tok::Sym(_)) {
                        out.push(Tok::Space(" ".into()));
                        out.push(toks[p].clone());
                        out.push(Tok::Space(" ".into()));
                        return Some(c + 1);
                    }
                }
            }
            None
        })
    }
}

/// `COLLATE pg_catalog.default` / `COLLATE "default"` → nothing: DuckDB has no `default` collation and the
/// database collation is already the default. Other collations (`"C"`, `"en_US"`) are left for DuckDB to judge.
struct CollateDefault;

impl Rule for CollateDefault {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        scan(&toks, |toks, i, _out| {
            if toks[i].is_word("collate") {
                if let Some(n) = next_solid(toks, i + 1) {
                    if toks[n].ident().as_deref() == Some("default") {
                        return Some(n + 1);
                    }
                }
            }
            None
        })
    }
}

/// `'name'::regclass` (and `regtype`, `regnamespace`, `regproc`) → a lookup macro returning the OID of that
/// name in the emulated catalog. Casts of non-literals (`oid::regclass`) are left to the `regclass` type alias
/// (an INTEGER), so they yield the number, not the name PostgreSQL would print.
struct RegLiteralCast;

impl Rule for RegLiteralCast {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        scan(&toks, |toks, i, out| {
            if let Tok::Str(lit) = &toks[i] {
                let cast = next_solid(toks, i + 1).filter(|&c| toks[c].is_sym("::"));
                let ty = cast.and_then(|c| next_solid(toks, c + 1));
                if let Some(t) = ty {
                    let target = toks[t].ident().unwrap_or_default();
                    if matches!(
                        target.as_str(),
                        "regclass" | "regtype" | "regnamespace" | "regproc"
                    ) {
                        out.push(Tok::Word(format!("pg_insights_{target}({lit})")));
                        return Some(t + 1);
                    }
                }
            }
            None
        })
    }
}

/// PostgreSQL's `~` / `!~` / `~*` / `!~*` search anywhere in the string; DuckDB's `~` / `!~` must match the whole
/// string. When the pattern is a string literal it is wrapped as `(?s).*(?:P).*` (plus `i` for the case-insensitive
/// forms), which full-matches exactly when P matches somewhere. Patterns given as parameters or columns are not
/// bridged (they keep DuckDB's full-match meaning).
struct RegexSearch;

impl Rule for RegexSearch {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        scan(&toks, |toks, i, out| {
            if let Tok::Sym(op) = &toks[i] {
                if matches!(op.as_str(), "~" | "!~" | "~*" | "!~*") {
                    if let Some(p) = next_solid(toks, i + 1) {
                        if let Tok::Str(lit) = &toks[p] {
                            if lit.starts_with('\'') {
                                let body = &lit[1..lit.len().saturating_sub(1)];
                                let flags = if op.ends_with('*') { "is" } else { "s" };
                                out.push(Tok::Sym(op.trim_end_matches('*').to_owned()));
                                out.push(Tok::Space(" ".into()));
                                out.push(Tok::Str(format!("'(?{flags}).*(?:{body}).*'")));
                                return Some(p + 1);
                            }
                        }
                    }
                }
            }
            None
        })
    }
}

/// `FROM generate_series(...) s` / `unnest(...) x`: in PostgreSQL the alias of a scalar-returning function names
/// its column too, so `s` is the value; in DuckDB it names only the table (so `s` is a struct). Adds the column
/// alias: `generate_series(...) s(s)`. Does not bridge `WITH ORDINALITY` or multi-column functions.
struct FunctionAlias;

impl Rule for FunctionAlias {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        scan(&toks, |toks, i, out| {
            let is_fn = toks[i].is_word("generate_series") || toks[i].is_word("unnest");
            let in_from = out
                .iter()
                .rev()
                .find(|t| !matches!(t, Tok::Space(_)))
                .is_some_and(|t| t.is_word("from") || t.is_word("join") || t.is_sym(","));
            if is_fn && in_from {
                if let Some(open) = next_solid(toks, i + 1).filter(|&o| toks[o].is_sym("(")) {
                    let mut depth = 0;
                    let mut close = None;
                    for (j, t) in toks.iter().enumerate().skip(open) {
                        if t.is_sym("(") {
                            depth += 1;
                        } else if t.is_sym(")") {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(j);
                                break;
                            }
                        }
                    }
                    if let Some(c) = close {
                        let mut a = next_solid(toks, c + 1);
                        if a.is_some_and(|x| toks[x].is_word("as")) {
                            a = a.and_then(|x| next_solid(toks, x + 1));
                        }
                        let alias = a.filter(|&x| match &toks[x] {
                            Tok::Word(w) => {
                                !is_clause_keyword(w) && !w.eq_ignore_ascii_case("with")
                            }
                            Tok::Quoted(_) => true,
                            _ => false,
                        });
                        if let Some(x) = alias {
                            if !next_solid(toks, x + 1).is_some_and(|n| toks[n].is_sym("(")) {
                                out.extend(toks[i..=x].iter().cloned());
                                out.push(Tok::Word(format!("({})", toks[x].text())));
                                return Some(x + 1);
                            }
                        }
                    }
                }
            }
            None
        })
    }
}

/// PostgreSQL array literals of numbers, `'{1,2}'` (psql compares `polroles = '{0}'`; drivers cast
/// `'{1,5}'::int[]`), → DuckDB's list text `'[1,2]'`, which casts to a list. Only literals made of digits, commas
/// and spaces inside braces are touched; text arrays (`'{a,b}'`) are not bridged.
struct ArrayLiteral;

impl Rule for ArrayLiteral {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        toks.into_iter()
            .map(|t| match &t {
                Tok::Str(s) => {
                    let inner = s.strip_prefix("'{").and_then(|r| r.strip_suffix("}'"));
                    match inner {
                        Some(body)
                            if body.bytes().all(|b| {
                                b.is_ascii_digit() || b == b',' || b == b' ' || b == b'-'
                            }) =>
                        {
                            Tok::Str(format!("'[{body}]'"))
                        }
                        _ => t,
                    }
                }
                _ => t,
            })
            .collect()
    }
}

/// `CAST(expr AS regclass)` → `pg_insights_regclass(expr)`: a name (e.g. Metabase's
/// `cast(format('%I.%I', schema, table) as regclass)`) is looked up in the emulated pg_class, a number is kept.
/// `expr::regclass` on a non-literal is not bridged (it stays an INTEGER cast).
struct CastRegclass;

impl Rule for CastRegclass {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        let mut toks = toks;
        let mut i = 0;
        while i < toks.len() {
            if toks[i].is_word("cast") {
                if let Some(open) = next_solid(&toks, i + 1).filter(|&o| toks[o].is_sym("(")) {
                    let mut depth = 0;
                    let mut as_at = None;
                    let mut close = None;
                    for (j, t) in toks.iter().enumerate().skip(open) {
                        if t.is_sym("(") {
                            depth += 1;
                        } else if t.is_sym(")") {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(j);
                                break;
                            }
                        } else if depth == 1 && t.is_word("as") {
                            as_at = Some(j);
                        }
                    }
                    if let (Some(a), Some(c)) = (as_at, close) {
                        let ty = next_solid(&toks, a + 1);
                        if ty.is_some_and(|t| {
                            toks[t].is_word("regclass") && next_solid(&toks, t + 1) == Some(c)
                        }) {
                            let mut replaced: Vec<Tok> =
                                vec![Tok::Word("pg_insights_regclass".into())];
                            replaced.extend(toks[open..a].iter().cloned());
                            replaced.push(Tok::Sym(")".into()));
                            toks.splice(i..=c, replaced);
                        }
                    }
                }
            }
            i += 1;
        }
        toks
    }
}

/// `information_schema.tables` (and the other emulated views) → `pg_infoschema_tables`, the emulation built
/// from the lake (DuckDB will not let us replace its own `information_schema`). An unaliased reference gets the
/// view's name as alias so `tables.table_name` keeps working. Views not emulated go to DuckDB's own.
/// `information_schema._pg_expandarray` (pgJDBC's getPrimaryKeys) maps to a macro giving its first element only.
struct InformationSchema;

impl Rule for InformationSchema {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        let mut out = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            if toks[i].ident().as_deref() == Some("information_schema")
                && toks.get(i + 1).is_some_and(|t| t.is_sym("."))
            {
                if let Some(name) = toks.get(i + 2).and_then(Tok::ident) {
                    if name == "_pg_expandarray" {
                        out.push(Tok::Word("pg_insights_expandarray".into()));
                        i += 3;
                        continue;
                    }
                    if super::catalog::INFORMATION_SCHEMA.contains(&name.as_str())
                        && !toks.get(i + 3).is_some_and(|t| t.is_sym("."))
                    {
                        out.push(Tok::Word(format!("pg_infoschema_{name}")));
                        let next = next_solid(&toks, i + 3);
                        let aliased = next.is_some_and(|n| match &toks[n] {
                            Tok::Word(w) => !is_clause_keyword(w),
                            Tok::Quoted(_) => true,
                            _ => false,
                        });
                        let in_from = out
                            .iter()
                            .rev()
                            .filter(|t| !matches!(t, Tok::Space(_)))
                            .nth(1)
                            .is_some_and(|t| {
                                t.is_word("from") || t.is_word("join") || t.is_sym(",")
                            });
                        if !aliased && in_from {
                            out.push(Tok::Word(format!(" AS {name}")));
                        }
                        i += 3;
                        continue;
                    }
                }
            }
            out.push(toks[i].clone());
            i += 1;
        }
        out
    }
}

fn is_clause_keyword(w: &str) -> bool {
    const KW: &[&str] = &[
        "where",
        "join",
        "left",
        "right",
        "inner",
        "outer",
        "full",
        "cross",
        "on",
        "group",
        "order",
        "limit",
        "offset",
        "union",
        "except",
        "intersect",
        "having",
        "window",
        "natural",
        "using",
        "fetch",
        "for",
    ];
    KW.contains(&w.to_ascii_lowercase().as_str())
}

/// `current_setting('name')` / `current_setting('name', true)` / `set_config('name', 'value', is_local)` with a
/// literal name from the allow-list (`catalog::SETTINGS`) → that value as a literal, so Grafana's
/// `current_setting('server_version_num')` works. Any other call (a name off the list, a non-literal argument) is
/// left as written and the guard refuses it: DuckDB's real settings are never read. `set_config` changes nothing.
struct Settings;

impl Settings {
    /// The literal arguments of the call whose `(` is at `open`, and the index of its `)`.
    fn literal_args(toks: &[Tok], open: usize) -> Option<(Vec<String>, usize)> {
        let mut args = Vec::new();
        let mut j = next_solid(toks, open + 1)?;
        loop {
            match &toks[j] {
                Tok::Str(s) if s.starts_with('\'') => {
                    args.push(s[1..s.len() - 1].replace("''", "'"))
                }
                Tok::Word(w) if matches!(w.to_ascii_lowercase().as_str(), "true" | "false") => {
                    args.push(w.clone())
                }
                _ => return None,
            }
            j = next_solid(toks, j + 1)?;
            if toks[j].is_sym(")") {
                return Some((args, j));
            }
            if !toks[j].is_sym(",") {
                return None;
            }
            j = next_solid(toks, j + 1)?;
        }
    }
}

impl Rule for Settings {
    fn apply(&self, toks: Vec<Tok>) -> Vec<Tok> {
        scan(&toks, |toks, i, out| {
            let after_dot = i > 0 && toks[i - 1].is_sym(".");
            let name = toks[i]
                .ident()
                .filter(|_| matches!(toks[i], Tok::Word(_)) && !after_dot);
            let open = next_solid(toks, i + 1).filter(|&o| toks[o].is_sym("("));
            if let (Some(fname), Some(o)) = (name, open) {
                if let Some((args, close)) = Settings::literal_args(toks, o) {
                    let value = match (fname.as_str(), args.as_slice()) {
                        ("current_setting", [n]) | ("current_setting", [n, _]) => {
                            super::catalog::SETTINGS
                                .iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                                .map(|(_, v)| (*v).to_owned())
                        }
                        ("set_config", [n, v, _]) => super::catalog::SETTINGS
                            .iter()
                            .any(|(k, _)| k.eq_ignore_ascii_case(n))
                            .then(|| v.clone()),
                        _ => None,
                    };
                    if let Some(v) = value {
                        out.push(Tok::Str(format!("'{}'", v.replace('\'', "''"))));
                        return Some(close + 1);
                    }
                }
            }
            None
        })
    }
}

/// Applies every rule, in order, to `sql`. Returns the input unchanged when no rule matches.
pub fn rewrite(sql: &str) -> String {
    let lower = sql.to_ascii_lowercase();
    let relevant = [
        "pg_catalog",
        "operator",
        "collate",
        "::reg",
        ":: reg",
        "information_schema",
        "current_setting",
        "set_config",
        "~",
        "generate_series",
        "unnest",
        "'{",
        "regclass",
    ];
    if !relevant.iter().any(|k| lower.contains(k)) {
        return sql.to_owned();
    }
    let rules: [&dyn Rule; 10] = [
        &StripCatalogQualifier,
        &ArrayLiteral,
        &CastRegclass,
        &FunctionAlias,
        &OperatorSyntax,
        &RegexSearch,
        &CollateDefault,
        &RegLiteralCast,
        &InformationSchema,
        &Settings,
    ];
    let toks = rules.iter().fold(lex(sql), |t, r| r.apply(t));
    toks.iter().map(Tok::text).collect()
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn psql_describe_query() {
        let sql = "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(sales)$' COLLATE pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid)";
        assert_eq!(
            rewrite(sql),
            "SELECT c.oid FROM pg_class c WHERE c.relname  ~ '(?s).*(?:^(sales)$).*'  AND pg_table_is_visible(c.oid)"
        );
    }

    #[test]
    fn function_alias_names_the_column() {
        assert_eq!(
            rewrite("SELECT s FROM generate_series(1, 3) s"),
            "SELECT s FROM generate_series(1, 3) s(s)"
        );
        assert_eq!(
            rewrite("SELECT x FROM unnest([1]) AS x(x)"),
            "SELECT x FROM unnest([1]) AS x(x)"
        );
    }

    #[test]
    fn strings_and_comments_untouched() {
        let sql = "SELECT 'pg_catalog.x', \"pg_catalog.y\" -- pg_catalog.z\n";
        assert_eq!(rewrite(sql), sql);
    }

    #[test]
    fn regclass_literal_and_info_schema() {
        assert_eq!(
            rewrite("SELECT 'pg_class'::pg_catalog.regclass"),
            "SELECT pg_insights_regclass('pg_class')"
        );
        assert_eq!(
            rewrite("SELECT tables.table_name FROM information_schema.tables WHERE 1=1"),
            "SELECT tables.table_name FROM pg_infoschema_tables AS tables WHERE 1=1"
        );
        assert_eq!(
            rewrite("select * from information_schema.columns c"),
            "select * from pg_infoschema_columns c"
        );
        assert_eq!(
            rewrite("SELECT current_setting('server_version_num')::int"),
            "SELECT '150000'::int"
        );
        assert_eq!(
            rewrite("SELECT current_setting('memory_limit')"),
            "SELECT current_setting('memory_limit')"
        );
    }
}
