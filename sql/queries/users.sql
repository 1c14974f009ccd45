-- Named queries of users (accounts). Loaded by aiosql 15 (zerg_sql.queries); the caller
-- owns the transaction. Every parameter carries an explicit cast: it is the type the
-- typed stubs and the runtime check of zerg_sql.queries expect.


-- name: create_user(email, provider, provider_user_id, display_name, avatar_url, role)^
-- Create a user (role defaults to 'user'); returns the new row.
INSERT INTO users (email, provider, provider_user_id, display_name, avatar_url, role)
VALUES (:email::text, :provider::text, :provider_user_id::text, :display_name::text,
        :avatar_url::text, coalesce(:role::text, 'user'))
RETURNING *;


-- name: get_user(user_id)^
-- One user by id.
SELECT * FROM users WHERE id = :user_id::bigint;


-- name: get_user_by_email(email)^
-- One user by e-mail address (exact match).
SELECT * FROM users WHERE email = :email::text;


-- name: get_user_by_provider(provider, provider_user_id)^
-- The user signed in with this identity provider subject.
SELECT * FROM users
WHERE provider = :provider::text AND provider_user_id = :provider_user_id::text;


-- name: list_users(after_id, limit_rows)
-- Users in id order after :after_id (keyset paging; 0 for the first page).
SELECT * FROM users
WHERE id > :after_id::bigint
ORDER BY id
LIMIT :limit_rows::int;


-- name: count_users()$
-- Number of users.
SELECT count(*) FROM users;


-- name: update_user_profile(user_id, display_name, avatar_url, prefs)^
-- Change the profile fields given (NULL keeps a field); returns the row.
UPDATE users
SET display_name = coalesce(:display_name::text, display_name),
    avatar_url = coalesce(:avatar_url::text, avatar_url),
    prefs = coalesce(:prefs::jsonb, prefs)
WHERE id = :user_id::bigint
RETURNING *;


-- name: update_user_context(user_id, context)^
-- Replace the prompt-composition context of a user; returns the row.
UPDATE users SET context = :context::jsonb
WHERE id = :user_id::bigint
RETURNING *;


-- name: set_user_role(user_id, role)^
-- Make a user 'user' or 'admin'; returns the row.
UPDATE users SET role = :role::text
WHERE id = :user_id::bigint
RETURNING *;


-- name: set_user_active(user_id, is_active)^
-- Activate or deactivate a user; returns the row.
UPDATE users SET is_active = :is_active::boolean
WHERE id = :user_id::bigint
RETURNING *;


-- name: record_user_login(user_id)^
-- Stamp last_login with the current time; returns the row.
UPDATE users SET last_login = now()
WHERE id = :user_id::bigint
RETURNING *;


-- name: set_user_gmail_refresh_token(user_id, gmail_refresh_token)!
-- Store (or clear, with NULL) the user's Gmail refresh token.
UPDATE users SET gmail_refresh_token = :gmail_refresh_token::text
WHERE id = :user_id::bigint;


-- name: delete_user(user_id)!
-- Delete a user and, through the foreign keys, everything the user owns.
DELETE FROM users WHERE id = :user_id::bigint;
