-- Named queries of connectors (a user's provider connections) and tool credentials, per
-- agent (connector_credentials) and per account (account_connector_credentials).
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction. Secrets
-- arrive encrypted by the app; the database never sees them in clear.


-- name: create_connector(owner_id, type, provider, config)^
-- Create a user's connector; returns the new row.
-- serves: C01
INSERT INTO connectors (owner_id, type, provider, config)
VALUES (:owner_id::bigint, :type::text, :provider::text, :config::jsonb)
RETURNING *;


-- name: get_connector(connector_id)^
-- One connector by id.
-- serves: C02
SELECT * FROM connectors WHERE id = :connector_id::bigint;


-- name: get_connector_for_update(connector_id)^
-- One connector by id, locked until the transaction ends. Fix: Zerg's concurrent webhooks could lose each other's config update.
-- serves: C05
SELECT * FROM connectors WHERE id = :connector_id::bigint FOR UPDATE;


-- name: list_connectors(owner_id, type, provider)
-- A user's connectors, optionally of one type and / or provider (NULL: any), by id.
-- serves: C03
SELECT * FROM connectors
WHERE owner_id = :owner_id::bigint
  AND (:type::text IS NULL OR type = :type::text)
  AND (:provider::text IS NULL OR provider = :provider::text)
ORDER BY id;


-- name: list_connectors_by_provider(type, provider)
-- Every user's connectors of one type and provider (Gmail push webhook, watch renewal), by id; the app matches config.
-- serves: C04
SELECT * FROM connectors
WHERE type = :type::text AND provider = :provider::text
ORDER BY id;


-- name: update_connector_config(connector_id, config)^
-- Replace a connector's config (the write of the app's read-modify-write; read with get_connector_for_update); returns the row.
-- serves: C05
UPDATE connectors SET config = :config::jsonb
WHERE id = :connector_id::bigint
RETURNING *;


-- name: delete_connector(connector_id)!
-- Delete one connector.
-- serves: C06
DELETE FROM connectors WHERE id = :connector_id::bigint;


-- name: upsert_agent_credential(agent_id, connector_type, encrypted_value, display_name, connector_metadata)^
-- Create or replace an agent's credential (test status reset); returns the row. Fix: atomic (Zerg selected, then wrote).
-- serves: C09
INSERT INTO connector_credentials (agent_id, connector_type, encrypted_value, display_name,
                                   connector_metadata)
VALUES (:agent_id::bigint, :connector_type::text, :encrypted_value::text, :display_name::text,
        :connector_metadata::jsonb)
ON CONFLICT (agent_id, connector_type) DO UPDATE
SET encrypted_value = EXCLUDED.encrypted_value,
    display_name = EXCLUDED.display_name,
    connector_metadata = EXCLUDED.connector_metadata,
    test_status = 'untested',
    last_tested_at = NULL
RETURNING *;


-- name: get_agent_credential(agent_id, connector_type)^
-- An agent's credential for one connector type.
-- serves: C08
SELECT * FROM connector_credentials
WHERE agent_id = :agent_id::bigint AND connector_type = :connector_type::text;


-- name: list_agent_credentials(agent_id)
-- An agent's credentials by connector type.
-- serves: C07
SELECT * FROM connector_credentials WHERE agent_id = :agent_id::bigint ORDER BY connector_type;


-- name: set_agent_credential_test_status(credential_id, test_status, connector_metadata)^
-- Record the result of testing an agent credential with the test's metadata (NULL clears it); returns the row.
-- serves: C10
UPDATE connector_credentials
SET test_status = :test_status::text, last_tested_at = now(),
    connector_metadata = :connector_metadata::jsonb
WHERE id = :credential_id::bigint
RETURNING *;


-- name: delete_agent_credential(agent_id, connector_type)!
-- Delete an agent's credential for one connector type.
-- serves: C11
DELETE FROM connector_credentials
WHERE agent_id = :agent_id::bigint AND connector_type = :connector_type::text;


-- name: upsert_account_credential(owner_id, organization_id, connector_type, encrypted_value, display_name, connector_metadata, test_status)^
-- Create or replace a user's account credential; :test_status NULL = 'untested' (last test NULL), else stamped now; returns the row. Fix: atomic.
-- serves: C14, C15
INSERT INTO account_connector_credentials (owner_id, organization_id, connector_type,
                                           encrypted_value, display_name, connector_metadata,
                                           test_status, last_tested_at)
VALUES (:owner_id::bigint, :organization_id::bigint, :connector_type::text,
        :encrypted_value::text, :display_name::text, :connector_metadata::jsonb,
        coalesce(:test_status::text, 'untested'),
        CASE WHEN coalesce(:test_status::text, 'untested') <> 'untested' THEN now() END)
ON CONFLICT (owner_id, connector_type) DO UPDATE
SET organization_id = EXCLUDED.organization_id,
    encrypted_value = EXCLUDED.encrypted_value,
    display_name = EXCLUDED.display_name,
    connector_metadata = EXCLUDED.connector_metadata,
    test_status = EXCLUDED.test_status,
    last_tested_at = EXCLUDED.last_tested_at
RETURNING *;


-- name: add_account_credential(owner_id, organization_id, connector_type, encrypted_value, display_name)^
-- Create a user's account credential only if absent (untested); None keeps the existing one. Fix: Zerg checked, then inserted (racy).
-- serves: C19
INSERT INTO account_connector_credentials (owner_id, organization_id, connector_type,
                                           encrypted_value, display_name)
VALUES (:owner_id::bigint, :organization_id::bigint, :connector_type::text,
        :encrypted_value::text, :display_name::text)
ON CONFLICT (owner_id, connector_type) DO NOTHING
RETURNING *;


-- name: update_account_credential_secret(owner_id, connector_type, encrypted_value)^
-- Replace only the secret of a user's credential (a token refresh) and mark it 'untested'; display name, metadata and last test kept; None if absent.
-- serves: C16
UPDATE account_connector_credentials
SET encrypted_value = :encrypted_value::text, test_status = 'untested'
WHERE owner_id = :owner_id::bigint AND connector_type = :connector_type::text
RETURNING *;


-- name: get_account_credential(owner_id, connector_type)^
-- A user's account-level credential for one connector type.
-- serves: C13, C19
SELECT * FROM account_connector_credentials
WHERE owner_id = :owner_id::bigint AND connector_type = :connector_type::text;


-- name: list_account_credentials(owner_id)
-- A user's account-level credentials by connector type.
-- serves: C12
SELECT * FROM account_connector_credentials
WHERE owner_id = :owner_id::bigint
ORDER BY connector_type;


-- name: set_account_credential_test_status(credential_id, test_status, connector_metadata)^
-- Record the result of testing an account credential with the test's metadata (NULL clears it); returns the row.
-- serves: C17
UPDATE account_connector_credentials
SET test_status = :test_status::text, last_tested_at = now(),
    connector_metadata = :connector_metadata::jsonb
WHERE id = :credential_id::bigint
RETURNING *;


-- name: delete_account_credential(owner_id, connector_type)!
-- Delete a user's account-level credential for one connector type.
-- serves: C18
DELETE FROM account_connector_credentials
WHERE owner_id = :owner_id::bigint AND connector_type = :connector_type::text;
