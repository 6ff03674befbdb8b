-- Second factors (issue 16): an authenticator app's TOTP secret per person, and ten
-- single-use recovery codes kept only as SHA-256 hashes.
create table totp_factors (
    user_id bigint primary key references users (user_id),
    -- The shared secret, base32 as authenticator apps read it: TOTP needs it in clear to
    -- compute the expected code.
    secret text not null,
    created_at timestamptz not null,
    -- Null until the person has typed one code from it; only confirmed factors count.
    confirmed_at timestamptz,
    -- The last time step whose code was accepted: a code is accepted once only.
    last_step bigint not null default 0
);

create table recovery_codes (
    recovery_code_id bigint generated always as identity primary key,
    user_id bigint not null references users (user_id),
    code_hash text not null,
    created_at timestamptz not null,
    used_at timestamptz
);

create index recovery_codes_user_idx on recovery_codes (user_id, used_at);

-- Wrong second-factor codes count toward the sign-in pause beside wrong passwords: the
-- address count's index covers both.
drop index audit_events_sign_in_addr_idx;
create index audit_events_sign_in_addr_idx on audit_events (remote_addr, occurred_at)
    where action in ('auth.sign_in', 'auth.second_factor') and outcome = 'refused';

-- Passkeys and security keys (WebAuthn), beside the authenticator app: the credential as
-- the WebAuthn library keeps it (public key, counter), one row each.
create table passkeys (
    passkey_id bigint generated always as identity primary key,
    user_id bigint not null references users (user_id),
    -- What the person called it ("office laptop").
    name text not null,
    -- The credential's id, base64url: unique, so one key never serves two accounts.
    credential_id text not null unique,
    credential text not null,
    -- The handle the key knows its person by (a UUID derived from the account), which a
    -- passkey used without a password names.
    user_handle text not null,
    created_at timestamptz not null,
    last_used_at timestamptz
);

create index passkeys_user_idx on passkeys (user_id);
create index passkeys_handle_idx on passkeys (user_handle);
