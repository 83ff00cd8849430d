-- The service's role for compose.yaml (an example password): it logs in and gets its grants from
-- `schema apply --grant-to npq_service`, which never include changing the schema (ADR 0030).
create role npq_service login password 'service-example-password';
