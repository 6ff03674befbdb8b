//! The page shell every page sits in: head, skip link, header with the office name,
//! navigation, who is signed in and sign-out, and the footer.

use crate::forms::CsrfField;
use crate::types::PageContext;
use leptos::prelude::*;

/// One entry of the primary navigation.
struct NavItem {
    href: &'static str,
    label: &'static str,
}

/// The navigation a signed-in person sees, filtered by what their role allows.
fn navigation(ctx: &PageContext) -> Vec<NavItem> {
    use crate::permissions::{Action, Grant, grant};
    let Some(user) = &ctx.user else {
        return vec![
            NavItem {
                href: "/reports",
                label: "Published reports",
            },
            NavItem {
                href: "/complain",
                label: "Report wrongdoing",
            },
        ];
    };
    if ctx.enrolling {
        return vec![NavItem {
            href: "/account/two-factor",
            label: "Set up your second factor",
        }];
    }
    let mut items = vec![NavItem {
        href: "/",
        label: "Home",
    }];
    if grant(user.role, Action::ReadCase) != Grant::Never {
        items.push(NavItem {
            href: "/cases",
            label: "Cases",
        });
    }
    if grant(user.role, Action::ReadCase) != Grant::Never {
        items.push(NavItem {
            href: "/search",
            label: "Search",
        });
        items.push(NavItem {
            href: "/recommendations",
            label: "Recommendations",
        });
    }
    if grant(user.role, Action::TriageComplaints) != Grant::Never {
        items.push(NavItem {
            href: "/complaints",
            label: "Complaints",
        });
    }
    if grant(user.role, Action::ReadStatistics) != Grant::Never {
        items.push(NavItem {
            href: "/statistics",
            label: "Statistics",
        });
    }
    items.push(NavItem {
        href: "/reports",
        label: "Published reports",
    });
    if grant(user.role, Action::ManagePeople) != Grant::Never {
        items.push(NavItem {
            href: "/people",
            label: "People",
        });
    }
    if grant(user.role, Action::ReadAudit) != Grant::Never {
        items.push(NavItem {
            href: "/audit",
            label: "Audit trail",
        });
    }
    items.push(NavItem {
        href: "/account",
        label: "Your account",
    });
    items
}

/// The whole HTML document around a page's content.
#[component]
pub fn Shell(
    /// The page's context: office, user, anti-forgery token.
    ctx: PageContext,
    /// The page title, shown before the office name in the browser's title bar.
    #[prop(into)]
    title: String,
    /// The path of the page, to mark the current navigation entry.
    #[prop(default = "")]
    current: &'static str,
    /// Seconds after which the browser loads the page again (a progress page), if any.
    #[prop(default = None)]
    refresh: Option<u32>,
    /// The page's content.
    children: Children,
) -> impl IntoView {
    let full_title = format!("{title} | Probity | {}", ctx.office_name);
    let items = navigation(&ctx);
    let has_nav = !items.is_empty();
    let nav = items
        .into_iter()
        .map(|item| {
            let here = item.href == current;
            view! {
                <li class="probity-nav__item">
                    <a
                        class=if here { "probity-nav__link usa-current" } else { "probity-nav__link" }
                        href=item.href
                        aria-current=here.then_some("page")
                    >
                        {item.label}
                    </a>
                </li>
            }
        })
        .collect_view();
    let token = ctx.csrf_token.clone();
    let user = ctx.user.clone().map(|user| {
        view! {
            <div class="probity-user">
                <span class="probity-user__name">
                    "Signed in as " <strong>{user.display_name}</strong> " (" {user.role.label()} ")"
                </span>
                <form method="post" action="/sign-out" class="probity-user__sign-out">
                    <CsrfField token=token />
                    <button type="submit" class="usa-button usa-button--outline usa-button--inverse">
                        "Sign out"
                    </button>
                </form>
            </div>
        }
    });
    view! {
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                {refresh.map(|seconds| view! { <meta http-equiv="refresh" content=seconds.to_string() /> })}
                <title>{full_title}</title>
                <link rel="stylesheet" href="/assets/uswds/css/uswds.min.css" />
                <link rel="stylesheet" href="/assets/probity.css" />
                <link rel="icon" type="image/svg+xml" href="/assets/favicon.svg" />
            </head>
            <body>
                <a class="usa-skipnav" href="#main-content">"Skip to main content"</a>
                <header class="probity-header">
                    <div class="grid-container-widescreen probity-header__inner">
                        <div class="probity-header__brand">
                            <a class="probity-header__home" href="/">
                                <span class="probity-header__product">"Probity"</span>
                                <span class="probity-header__office">{ctx.office_name.clone()}</span>
                            </a>
                        </div>
                        {has_nav.then(|| view! {
                            <nav class="probity-nav" aria-label="Primary">
                                <ul class="probity-nav__list">{nav}</ul>
                            </nav>
                        })}
                        {user}
                    </div>
                </header>
                <main id="main-content" class="grid-container-widescreen probity-main" tabindex="-1">
                    {children()}
                </main>
                <footer class="probity-footer">
                    <div class="grid-container-widescreen">
                        <p>
                            {format!("Probity case management for {}", ctx.office_name)}
                            " \u{b7} "
                            <a class="usa-link" href="/api">"API documentation"</a>
                        </p>
                    </div>
                </footer>
            </body>
        </html>
    }
}
