-- Findings, recommendations, report versions with their review, redactions for publication,
-- and the published reports the public portal serves.

-- One finding per allegation.
create table findings (
    finding_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    allegation_id bigint not null unique references allegations (allegation_id),
    disposition text not null,
    basis text not null,
    analysis text not null,
    updated_by bigint not null references users (user_id),
    updated_at timestamptz not null,
    version bigint not null default 1
);

create index findings_case_idx on findings (case_id, allegation_id);

-- The events and exhibits a finding's analysis cites.
create table finding_citations (
    finding_id bigint not null references findings (finding_id),
    kind text not null check (kind in ('event', 'exhibit')),
    target_id bigint not null,
    primary key (finding_id, kind, target_id)
);

create table recommendations (
    recommendation_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    -- 1 for R-1, per case.
    number bigint not null,
    agency text not null,
    body text not null,
    response text not null,
    status text not null check (status in ('open', 'accepted', 'partially_implemented', 'implemented', 'rejected')),
    -- `YYYY-MM-DD`: when the current status took effect.
    status_on text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    version bigint not null default 1,
    unique (case_id, number)
);

create index recommendations_open_idx on recommendations (status, agency, recommendation_id);

-- Every status a recommendation has had, with its date.
create table recommendation_updates (
    update_id bigint generated always as identity primary key,
    recommendation_id bigint not null references recommendations (recommendation_id),
    status text not null,
    status_on text not null,
    note text not null,
    updated_by bigint not null references users (user_id),
    updated_at timestamptz not null
);

create index recommendation_updates_idx on recommendation_updates (recommendation_id, update_id);

-- Text left out of public versions, with the reason shown in its place.
create table redactions (
    redaction_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    text text not null,
    reason text not null,
    created_by bigint not null references users (user_id),
    created_at timestamptz not null,
    unique (case_id, text)
);

-- Sensitive exhibits released for publication anyway.
create table report_releases (
    case_id bigint not null references cases (case_id),
    exhibit_id bigint not null references exhibits (exhibit_id),
    released_by bigint not null references users (user_id),
    released_at timestamptz not null,
    primary key (case_id, exhibit_id)
);

-- Every saved draft of a case's report. The text of a version never changes; only its review
-- state does, and the files frozen at approval are recorded by hash.
create table report_versions (
    report_version_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    version bigint not null,
    state text not null check (state in ('draft', 'submitted', 'returned', 'approved', 'published')),
    -- JSON object: section key -> Markdown text.
    sections text not null,
    created_by bigint not null references users (user_id),
    created_at timestamptz not null,
    submitted_by bigint references users (user_id),
    submitted_at timestamptz,
    reviewed_by bigint references users (user_id),
    reviewed_at timestamptz,
    review_note text not null default '',
    internal_pdf_sha256 text,
    public_pdf_sha256 text,
    public_html_sha256 text,
    public_json_sha256 text,
    public_model_sha256 text,
    -- JSON list of leak-check hits found at approval; empty list when clean.
    leak_report text,
    unique (case_id, version)
);

create function report_versions_text_frozen() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'report versions are kept';
    end if;
    if new.sections is distinct from old.sections or new.case_id <> old.case_id
        or new.version <> old.version or new.created_by <> old.created_by
        or new.created_at <> old.created_at then
        raise exception 'a report version''s text never changes';
    end if;
    return new;
end;
$$;

create trigger report_versions_frozen before update or delete on report_versions
    for each row execute function report_versions_text_frozen();

-- Review comments, each anchored to a section of the version it concerns.
create table report_comments (
    comment_id bigint generated always as identity primary key,
    report_version_id bigint not null references report_versions (report_version_id),
    section text not null,
    body text not null,
    author_id bigint not null references users (user_id),
    created_at timestamptz not null
);

create index report_comments_idx on report_comments (report_version_id, comment_id);

-- Published reports: append-only, they never change.
create table published_reports (
    published_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    report_version_id bigint not null unique references report_versions (report_version_id),
    report_number text not null,
    -- 1 for the first publication, 2 for its first correction, ...
    edition bigint not null,
    title text not null,
    agency text not null,
    summary text not null,
    correction_note text not null,
    published_by bigint not null references users (user_id),
    published_at timestamptz not null,
    public_pdf_sha256 text not null,
    public_html_sha256 text not null,
    public_json_sha256 text not null,
    public_model_sha256 text not null,
    unique (report_number, edition)
);

create index published_reports_recent_idx on published_reports (published_id);

create function published_reports_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'published reports never change';
end;
$$;

create trigger published_reports_no_update before update or delete on published_reports
    for each statement execute function published_reports_append_only();

create trigger published_reports_no_truncate before truncate on published_reports
    for each statement execute function published_reports_append_only();
