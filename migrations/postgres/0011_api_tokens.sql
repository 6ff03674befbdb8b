-- Personal access tokens for the JSON API. Only the SHA-256 of a token is kept: a token is
-- 256 random bits, so a fast hash is as safe as a slow one and keeps every API request
-- cheap. `prefix` is the token's first characters, shown so a person can tell tokens apart.
create table api_tokens (
    api_token_id bigserial primary key,
    user_id bigint not null references users (user_id),
    name text not null,
    prefix text not null,
    token_hash text not null unique,
    scope text not null check (scope in ('read', 'write')),
    created_at timestamptz not null,
    expires_at timestamptz not null,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by bigint references users (user_id)
);

create index api_tokens_user_idx on api_tokens (user_id, api_token_id);

-- Which token an audited request came through, when it came over the API.
alter table audit_events add column via text;
