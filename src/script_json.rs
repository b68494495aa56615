//! JSON that goes into a script: the search index file (`assets/search-index.js`) and the
//! timeline's data file (`assets/timeline-data.js`). `<`, `>`, `&`, U+2028 and U+2029 are written
//! as `\u` escapes, so no text in the data can end the script (`</script>`), open a comment
//! (`<!--`) or end a line.

use serde::Serialize;

/// Characters JSON may hold raw in a string that must not reach a script as they are.
const UNSAFE: [char; 5] = ['<', '>', '&', '\u{2028}', '\u{2029}'];

/// `window.<name> = <value as JSON>;` and a newline, safe to put in a `<script>` or a script file.
pub(crate) fn window_assignment(name: &str, value: &impl Serialize) -> String {
    // Our data types always serialize: their map keys are strings and they hold no
    // serializer of their own that could fail.
    let json = serde_json::to_string(value).expect("data for a script serializes to JSON");
    let mut out = String::with_capacity(json.len() + json.len() / 64 + name.len() + 16);
    out.push_str("window.");
    out.push_str(name);
    out.push_str(" = ");
    push_escaped(&mut out, &json);
    out.push_str(";\n");
    out
}

/// Appends `json` with each unsafe character as its JSON escape. Outside strings JSON holds
/// none of them, so this changes only strings, and each escape reads back as the same text.
fn push_escaped(out: &mut String, json: &str) {
    let mut rest = json;
    while let Some(at) = rest.find(UNSAFE) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().expect("a character where one was found");
        out.push_str(match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            _ => "\\u2029",
        });
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn read_back(script: &str, name: &str) -> Value {
        let json = script
            .strip_prefix(&format!("window.{name} = "))
            .and_then(|rest| rest.strip_suffix(";\n"))
            .expect("one assignment");
        serde_json::from_str(json).expect("JSON")
    }

    #[test]
    fn no_text_can_end_the_script_open_a_comment_or_end_a_line() {
        let data = json!({"</script>": "</script><script>alert(1)</script> <!-- a & b --> \u{2028} \u{2029}"});
        let script = window_assignment("GUIDEGEN_TEST", &data);
        assert_eq!(
            script,
            "window.GUIDEGEN_TEST = {\"\\u003c/script\\u003e\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\
             \\u003c/script\\u003e \\u003c!-- a \\u0026 b --\\u003e \\u2028 \\u2029\"};\n"
        );
        assert_eq!(
            read_back(&script, "GUIDEGEN_TEST"),
            data,
            "the escapes read back as the text"
        );
    }

    #[test]
    fn json_without_unsafe_characters_is_written_as_serde_json_writes_it() {
        let data = json!({"b": [1, null, true], "a": "核验 \"q\" \\ x"});
        let script = window_assignment("X", &data);
        assert_eq!(
            script,
            format!("window.X = {};\n", serde_json::to_string(&data).unwrap())
        );
    }
}
