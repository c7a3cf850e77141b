-- Step: indexes — 36 indexes on the seven hypertables, each with its purpose
-- as COMMENT ON INDEX. Count method: every index of the hypertable's root table
-- (pg_index.indrelid = the hypertable); the default time index is NOT created
-- automatically (create_default_indexes => false in step 01) but declared here,
-- so it is part of the 36. Chunk copies of these indexes are not counted.
--
-- Plain CREATE INDEX IF NOT EXISTS inside the step's transaction:
-- * CREATE INDEX CONCURRENTLY is not supported on hypertables (TimescaleDB
--   raises "hypertables do not support concurrent index creation").
-- * WITH (timescaledb.transaction_per_chunk) would avoid holding locks on all
--   chunks at once, but it cannot run inside a transaction block, which would
--   break this step's atomicity; the step runs while tables are small (at
--   deploy time). On a large existing table, create an index by hand with
--   transaction_per_chunk outside a transaction.

-- ---------------------------------------------------------------- metric_hist (5)
CREATE INDEX IF NOT EXISTS idx_metric_hist_ts
    ON factory_telemetry.metric_hist (ts DESC);
COMMENT ON INDEX factory_telemetry.idx_metric_hist_ts IS
    'time-descending: recent-window scans across all metrics, chunk exclusion helper';
CREATE UNIQUE INDEX IF NOT EXISTS uq_metric_hist_def_ts
    ON factory_telemetry.metric_hist (metric_def_id, ts DESC);
COMMENT ON INDEX factory_telemetry.uq_metric_hist_def_ts IS
    'composite unique: one sample per metric and instant (dedupe on re-send), per-metric time range';
CREATE INDEX IF NOT EXISTS idx_metric_hist_def_ts_cover
    ON factory_telemetry.metric_hist (metric_def_id, ts DESC) INCLUDE (value_real, quality);
COMMENT ON INDEX factory_telemetry.idx_metric_hist_def_ts_cover IS
    'covering: latest value / trend of one analog metric as an index-only scan';
CREATE INDEX IF NOT EXISTS idx_metric_hist_bad_quality
    ON factory_telemetry.metric_hist (metric_def_id, ts DESC) WHERE quality <> 192;
COMMENT ON INDEX factory_telemetry.idx_metric_hist_bad_quality IS
    'partial: samples with non-good quality (sensor faults, comms loss)';
CREATE INDEX IF NOT EXISTS idx_metric_hist_bool_state
    ON factory_telemetry.metric_hist (metric_def_id, ts DESC) INCLUDE (value_bool) WHERE value_bool IS NOT NULL;
COMMENT ON INDEX factory_telemetry.idx_metric_hist_bool_state IS
    'partial covering: state signals (running/stopped) for state-change timelines';

-- ---------------------------------------------------------------- oee_calculations (5)
CREATE INDEX IF NOT EXISTS idx_oee_calc_time
    ON factory_telemetry.oee_calculations (calculation_time DESC);
COMMENT ON INDEX factory_telemetry.idx_oee_calc_time IS
    'time-descending: plant-wide latest OEE';
CREATE UNIQUE INDEX IF NOT EXISTS uq_oee_calc_line_eq_time
    ON factory_telemetry.oee_calculations (line_id, equipment_code, calculation_time DESC);
COMMENT ON INDEX factory_telemetry.uq_oee_calc_line_eq_time IS
    'composite unique: one calculation per equipment and instant; per-equipment trend';
CREATE INDEX IF NOT EXISTS idx_oee_calc_equipment_time
    ON factory_telemetry.oee_calculations (equipment_code, calculation_time DESC);
COMMENT ON INDEX factory_telemetry.idx_oee_calc_equipment_time IS
    'composite: equipment drill-down without the line';
CREATE INDEX IF NOT EXISTS idx_oee_calc_line_time_cover
    ON factory_telemetry.oee_calculations (line_id, calculation_time DESC)
    INCLUDE (oee, availability, performance, quality);
COMMENT ON INDEX factory_telemetry.idx_oee_calc_line_time_cover IS
    'covering: line OEE trend (A/P/Q/OEE) as an index-only scan';
CREATE INDEX IF NOT EXISTS idx_oee_calc_low_oee
    ON factory_telemetry.oee_calculations (line_id, calculation_time DESC) WHERE oee < 0.60;
COMMENT ON INDEX factory_telemetry.idx_oee_calc_low_oee IS
    'partial: OEE alerts (below 60 %)';

-- ---------------------------------------------------------------- energy_consumption (4)
CREATE INDEX IF NOT EXISTS idx_energy_time
    ON factory_telemetry.energy_consumption (consumption_time DESC);
COMMENT ON INDEX factory_telemetry.idx_energy_time IS
    'time-descending: plant-wide consumption windows';
CREATE UNIQUE INDEX IF NOT EXISTS uq_energy_equipment_time
    ON factory_telemetry.energy_consumption (equipment_code, consumption_time DESC);
COMMENT ON INDEX factory_telemetry.uq_energy_equipment_time IS
    'composite unique: one reading per meter and instant; per-equipment profile';
CREATE INDEX IF NOT EXISTS idx_energy_line_time_cover
    ON factory_telemetry.energy_consumption (line_id, consumption_time DESC) INCLUDE (energy_kwh, power_kw);
COMMENT ON INDEX factory_telemetry.idx_energy_line_time_cover IS
    'covering: per-line kWh sums and load curves as an index-only scan';
CREATE INDEX IF NOT EXISTS idx_energy_poor_pf
    ON factory_telemetry.energy_consumption (equipment_code, consumption_time DESC) WHERE power_factor < 0.85;
COMMENT ON INDEX factory_telemetry.idx_energy_poor_pf IS
    'partial: readings with poor power factor (reactive-power penalties)';

-- ---------------------------------------------------------------- production_kpis (4)
CREATE INDEX IF NOT EXISTS idx_kpis_date
    ON factory_telemetry.production_kpis (kpi_date DESC);
COMMENT ON INDEX factory_telemetry.idx_kpis_date IS
    'time-descending: latest KPI day across lines';
CREATE UNIQUE INDEX IF NOT EXISTS uq_kpis_line_shift_date
    ON factory_telemetry.production_kpis (line_id, shift_id, kpi_date DESC);
COMMENT ON INDEX factory_telemetry.uq_kpis_line_shift_date IS
    'composite unique: one KPI row per line, shift and day';
CREATE INDEX IF NOT EXISTS idx_kpis_line_date_cover
    ON factory_telemetry.production_kpis (line_id, kpi_date DESC) INCLUDE (oee, good_units, total_units);
COMMENT ON INDEX factory_telemetry.idx_kpis_line_date_cover IS
    'covering: line KPI report as an index-only scan';
CREATE INDEX IF NOT EXISTS idx_kpis_target_missed
    ON factory_telemetry.production_kpis (line_id, kpi_date DESC) WHERE NOT target_met;
COMMENT ON INDEX factory_telemetry.idx_kpis_target_missed IS
    'partial: shifts that missed their target';

-- ---------------------------------------------------------------- downtime_events (6)
CREATE INDEX IF NOT EXISTS idx_downtime_start
    ON factory_telemetry.downtime_events (start_time DESC);
COMMENT ON INDEX factory_telemetry.idx_downtime_start IS
    'time-descending: latest downtime events';
CREATE INDEX IF NOT EXISTS idx_downtime_line_start
    ON factory_telemetry.downtime_events (line_id, start_time DESC);
COMMENT ON INDEX factory_telemetry.idx_downtime_line_start IS
    'composite: per-line downtime history';
CREATE INDEX IF NOT EXISTS idx_downtime_equipment_start
    ON factory_telemetry.downtime_events (equipment_code, start_time DESC);
COMMENT ON INDEX factory_telemetry.idx_downtime_equipment_start IS
    'composite: per-equipment reliability (MTBF/MTTR)';
CREATE INDEX IF NOT EXISTS idx_downtime_category_reason
    ON factory_telemetry.downtime_events (category, reason_code, start_time DESC);
COMMENT ON INDEX factory_telemetry.idx_downtime_category_reason IS
    'composite: Pareto of reasons within a category';
CREATE INDEX IF NOT EXISTS idx_downtime_line_cat_cover
    ON factory_telemetry.downtime_events (line_id, category, start_time DESC) INCLUDE (duration_seconds);
COMMENT ON INDEX factory_telemetry.idx_downtime_line_cat_cover IS
    'covering: downtime minutes per line and category as an index-only scan';
CREATE INDEX IF NOT EXISTS idx_downtime_open
    ON factory_telemetry.downtime_events (line_id, start_time DESC) WHERE end_time IS NULL;
COMMENT ON INDEX factory_telemetry.idx_downtime_open IS
    'partial: lines that are down right now (open events)';

-- ---------------------------------------------------------------- quality_checks (6)
CREATE INDEX IF NOT EXISTS idx_quality_time
    ON factory_telemetry.quality_checks (check_time DESC);
COMMENT ON INDEX factory_telemetry.idx_quality_time IS
    'time-descending: latest checks';
CREATE INDEX IF NOT EXISTS idx_quality_line_type_time
    ON factory_telemetry.quality_checks (line_id, check_type, check_time DESC);
COMMENT ON INDEX factory_telemetry.idx_quality_line_type_time IS
    'composite: SPC chart per line and check type';
CREATE INDEX IF NOT EXISTS idx_quality_product_time
    ON factory_telemetry.quality_checks (product_code, check_time DESC);
COMMENT ON INDEX factory_telemetry.idx_quality_product_time IS
    'composite: product quality history';
CREATE INDEX IF NOT EXISTS idx_quality_batch
    ON factory_telemetry.quality_checks (batch_id, check_time DESC);
COMMENT ON INDEX factory_telemetry.idx_quality_batch IS
    'composite: batch traceability / recall lookups';
CREATE INDEX IF NOT EXISTS idx_quality_line_time_cover
    ON factory_telemetry.quality_checks (line_id, check_time DESC) INCLUDE (result, measured_value);
COMMENT ON INDEX factory_telemetry.idx_quality_line_time_cover IS
    'covering: pass rate per line as an index-only scan';
CREATE INDEX IF NOT EXISTS idx_quality_failed
    ON factory_telemetry.quality_checks (line_id, check_time DESC) WHERE result <> 'pass';
COMMENT ON INDEX factory_telemetry.idx_quality_failed IS
    'partial: failed / rework checks';

-- ---------------------------------------------------------------- fault_event (6)
CREATE INDEX IF NOT EXISTS idx_fault_ts_on
    ON factory_telemetry.fault_event (ts_on DESC);
COMMENT ON INDEX factory_telemetry.idx_fault_ts_on IS
    'time-descending: latest faults';
CREATE INDEX IF NOT EXISTS idx_fault_equipment_ts
    ON factory_telemetry.fault_event (equipment_code, ts_on DESC);
COMMENT ON INDEX factory_telemetry.idx_fault_equipment_ts IS
    'composite: per-equipment fault history (predictive maintenance)';
CREATE INDEX IF NOT EXISTS idx_fault_code_ts
    ON factory_telemetry.fault_event (fault_code, ts_on DESC);
COMMENT ON INDEX factory_telemetry.idx_fault_code_ts IS
    'composite: occurrences of one fault code';
CREATE INDEX IF NOT EXISTS idx_fault_severity_ts
    ON factory_telemetry.fault_event (severity, ts_on DESC);
COMMENT ON INDEX factory_telemetry.idx_fault_severity_ts IS
    'composite: critical faults first';
CREATE INDEX IF NOT EXISTS idx_fault_active
    ON factory_telemetry.fault_event (equipment_code, ts_on DESC) WHERE ts_off IS NULL;
COMMENT ON INDEX factory_telemetry.idx_fault_active IS
    'partial: active (not yet cleared) faults';
CREATE INDEX IF NOT EXISTS idx_fault_line_ts_cover
    ON factory_telemetry.fault_event (line_id, ts_on DESC) INCLUDE (fault_code, severity, ts_off);
COMMENT ON INDEX factory_telemetry.idx_fault_line_ts_cover IS
    'covering: per-line fault list as an index-only scan';
