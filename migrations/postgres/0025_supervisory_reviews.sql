-- Supervisory reviews (issue 18): a supervisor's recorded review of a case, what the CIGIE
-- quality standards ask an investigation to show, with who, when and what they noted.
-- Append-only: a review is never edited, a later one is recorded instead.

create table case_reviews (
    review_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    reviewer_id bigint not null references users (user_id),
    reviewed_at timestamptz not null,
    note text not null
);

create index case_reviews_case_idx on case_reviews (case_id, review_id);
