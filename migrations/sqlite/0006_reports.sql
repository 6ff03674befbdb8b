-- Findings, recommendations, report versions with their review, redactions for publication,
-- and the published reports the public portal serves.

-- One finding per allegation.
create table findings (
    finding_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    allegation_id integer not null unique references allegations (allegation_id),
    disposition text not null,
    basis text not null,
    analysis text not null,
    updated_by integer not null references users (user_id),
    updated_at text not null,
    version integer not null default 1
);

create index findings_case_idx on findings (case_id, allegation_id);

-- The events and exhibits a finding's analysis cites.
create table finding_citations (
    finding_id integer not null references findings (finding_id),
    kind text not null check (kind in ('event', 'exhibit')),
    target_id integer not null,
    primary key (finding_id, kind, target_id)
);

create table recommendations (
    recommendation_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    -- 1 for R-1, per case.
    number integer not null,
    agency text not null,
    body text not null,
    response text not null,
    status text not null check (status in ('open', 'accepted', 'partially_implemented', 'implemented', 'rejected')),
    -- `YYYY-MM-DD`: when the current status took effect.
    status_on text not null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    unique (case_id, number)
);

create index recommendations_open_idx on recommendations (status, agency, recommendation_id);

-- Every status a recommendation has had, with its date.
create table recommendation_updates (
    update_id integer primary key autoincrement,
    recommendation_id integer not null references recommendations (recommendation_id),
    status text not null,
    status_on text not null,
    note text not null,
    updated_by integer not null references users (user_id),
    updated_at text not null
);

create index recommendation_updates_idx on recommendation_updates (recommendation_id, update_id);

-- Text left out of public versions, with the reason shown in its place.
create table redactions (
    redaction_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    text text not null,
    reason text not null,
    created_by integer not null references users (user_id),
    created_at text not null,
    unique (case_id, text)
);

-- Sensitive exhibits released for publication anyway.
create table report_releases (
    case_id integer not null references cases (case_id),
    exhibit_id integer not null references exhibits (exhibit_id),
    released_by integer not null references users (user_id),
    released_at text not null,
    primary key (case_id, exhibit_id)
);

-- Every saved draft of a case's report. The text of a version never changes; only its review
-- state does, and the files frozen at approval are recorded by hash.
create table report_versions (
    report_version_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    version integer not null,
    state text not null check (state in ('draft', 'submitted', 'returned', 'approved', 'published')),
    -- JSON object: section key -> Markdown text.
    sections text not null,
    created_by integer not null references users (user_id),
    created_at text not null,
    submitted_by integer references users (user_id),
    submitted_at text,
    reviewed_by integer references users (user_id),
    reviewed_at text,
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

create trigger report_versions_text_frozen before update of sections, case_id, version, created_by, created_at on report_versions
begin
    select raise(abort, 'a report version''s text never changes');
end;

create trigger report_versions_no_delete before delete on report_versions
begin
    select raise(abort, 'report versions are kept');
end;

-- Review comments, each anchored to a section of the version it concerns.
create table report_comments (
    comment_id integer primary key autoincrement,
    report_version_id integer not null references report_versions (report_version_id),
    section text not null,
    body text not null,
    author_id integer not null references users (user_id),
    created_at text not null
);

create index report_comments_idx on report_comments (report_version_id, comment_id);

-- Published reports: append-only, they never change.
create table published_reports (
    published_id integer primary key autoincrement,
    case_id integer not null references cases (case_id),
    report_version_id integer not null unique references report_versions (report_version_id),
    report_number text not null,
    -- 1 for the first publication, 2 for its first correction, ...
    edition integer not null,
    title text not null,
    agency text not null,
    summary text not null,
    correction_note text not null,
    published_by integer not null references users (user_id),
    published_at text not null,
    public_pdf_sha256 text not null,
    public_html_sha256 text not null,
    public_json_sha256 text not null,
    public_model_sha256 text not null,
    unique (report_number, edition)
);

create index published_reports_recent_idx on published_reports (published_id);

create trigger published_reports_no_update before update on published_reports
begin
    select raise(abort, 'published reports never change');
end;

create trigger published_reports_no_delete before delete on published_reports
begin
    select raise(abort, 'published reports never change');
end;
