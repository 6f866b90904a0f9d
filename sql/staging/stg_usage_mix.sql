-- Visits by place, month, service and worker type: one pass over usage that the service
-- mix and the worker mix both read (metrics.md "Usage": service mix, worker mix), each
-- then rolled up to every scope with stg_scope_ancestors. Rows without a worker type
-- form the NULL worker_type group.
-- refresh: by month
SELECT month, place_code, service, worker_type, sum(visits)::BIGINT AS visits
FROM staging.stg_usage
GROUP BY month, place_code, service, worker_type
