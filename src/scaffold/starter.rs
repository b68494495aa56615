//! The starter sites `guidegen init` writes, one per language, compiled into the program.
//! The files themselves are under `starter/<language>/` (`gitignore` is written as `.gitignore`).

/// A starter site: its files (path in the new site, text with placeholders) and default title.
pub(super) struct Starter {
    pub default_title: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

/// The languages with a starter, for the hint when another is asked for.
pub(super) const LANGUAGES: &[&str] = &["en", "zh-CN"];

pub(super) fn for_language(language: &str) -> Option<&'static Starter> {
    match language {
        "en" => Some(&ENGLISH),
        "zh-CN" => Some(&CHINESE),
        _ => None,
    }
}

static ENGLISH: Starter = Starter {
    default_title: "Example guide",
    files: &[
        ("README.md", include_str!("starter/en/README.md")),
        (
            "content/conditions.yaml",
            include_str!("starter/en/content/conditions.yaml"),
        ),
        (
            "content/deadlines.yaml",
            include_str!("starter/en/content/deadlines.yaml"),
        ),
        ("content/forms.yaml", include_str!("starter/en/content/forms.yaml")),
        (
            "content/guides/after/after-the-event.md",
            include_str!("starter/en/content/guides/after/after-the-event.md"),
        ),
        (
            "content/guides/getting-started.md",
            include_str!("starter/en/content/guides/getting-started.md"),
        ),
        (
            "content/holidays.yaml",
            include_str!("starter/en/content/holidays.yaml"),
        ),
        (
            "content/materials.yaml",
            include_str!("starter/en/content/materials.yaml"),
        ),
        (
            "content/providers.yaml",
            include_str!("starter/en/content/providers.yaml"),
        ),
        ("content/site.yaml", include_str!("starter/en/content/site.yaml")),
        ("content/stages.yaml", include_str!("starter/en/content/stages.yaml")),
        (
            "content/subjects.yaml",
            include_str!("starter/en/content/subjects.yaml"),
        ),
        (".gitignore", include_str!("starter/en/gitignore")),
    ],
};

static CHINESE: Starter = Starter {
    default_title: "办事指南示例",
    files: &[
        ("README.md", include_str!("starter/zh-CN/README.md")),
        (
            "content/conditions.yaml",
            include_str!("starter/zh-CN/content/conditions.yaml"),
        ),
        (
            "content/deadlines.yaml",
            include_str!("starter/zh-CN/content/deadlines.yaml"),
        ),
        ("content/forms.yaml", include_str!("starter/zh-CN/content/forms.yaml")),
        (
            "content/guides/after/after-the-event.md",
            include_str!("starter/zh-CN/content/guides/after/after-the-event.md"),
        ),
        (
            "content/guides/getting-started.md",
            include_str!("starter/zh-CN/content/guides/getting-started.md"),
        ),
        (
            "content/holidays.yaml",
            include_str!("starter/zh-CN/content/holidays.yaml"),
        ),
        (
            "content/materials.yaml",
            include_str!("starter/zh-CN/content/materials.yaml"),
        ),
        (
            "content/providers.yaml",
            include_str!("starter/zh-CN/content/providers.yaml"),
        ),
        ("content/site.yaml", include_str!("starter/zh-CN/content/site.yaml")),
        ("content/stages.yaml", include_str!("starter/zh-CN/content/stages.yaml")),
        (
            "content/subjects.yaml",
            include_str!("starter/zh-CN/content/subjects.yaml"),
        ),
        (".gitignore", include_str!("starter/zh-CN/gitignore")),
    ],
};
