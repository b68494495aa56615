//! guidegen: YAML rule definitions and Markdown guides in, a static step-by-step guide site out.
//! The pipeline runs load -> validate -> plan -> render -> write, one module per stage.

pub mod diagnostics;
pub mod diff;
pub(crate) mod href;
pub(crate) mod ics;
pub(crate) mod linkcheck;
pub mod load;
pub mod markdown;
pub mod memo;
pub mod model;
pub mod plan;
pub mod render;
pub mod sanitise;
pub mod scaffold;
pub mod schema;
pub(crate) mod script_json;
pub mod search;
pub mod serve;
pub mod site;
pub mod site_files;
pub mod validate;
pub mod write;
pub mod yaml;
