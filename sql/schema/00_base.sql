-- Step: base — schema factory_telemetry, reference tables and the seven
-- time-series tables (still plain tables; step 01 turns them into hypertables).
-- Idempotent: everything is CREATE ... IF NOT EXISTS. Runs in one transaction.

CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE SCHEMA IF NOT EXISTS factory_telemetry;
COMMENT ON SCHEMA factory_telemetry IS 'MS5.0 factory telemetry: reference data and TimescaleDB hypertables';

-- ---------------------------------------------------------------- reference
CREATE TABLE IF NOT EXISTS factory_telemetry.production_lines (
    line_id        integer PRIMARY KEY,
    line_code      text NOT NULL UNIQUE,
    name           text NOT NULL,
    area           text,
    target_oee     double precision NOT NULL DEFAULT 0.85 CHECK (target_oee > 0 AND target_oee <= 1),
    enabled        boolean NOT NULL DEFAULT true
);

CREATE TABLE IF NOT EXISTS factory_telemetry.equipment (
    equipment_code text PRIMARY KEY,
    line_id        integer NOT NULL REFERENCES factory_telemetry.production_lines (line_id),
    name           text NOT NULL,
    kind           text NOT NULL,              -- press, filler, conveyor, oven, packer, ...
    rated_power_kw double precision,
    ideal_cycle_s  double precision            -- ideal cycle time per unit, seconds
);

CREATE TABLE IF NOT EXISTS factory_telemetry.metric_def (
    metric_def_id  integer PRIMARY KEY,
    equipment_code text NOT NULL REFERENCES factory_telemetry.equipment (equipment_code),
    metric_key     text NOT NULL,              -- temperature, pressure, speed, running, ...
    value_type     text NOT NULL CHECK (value_type IN ('real', 'int', 'bool', 'text')),
    unit           text,
    sample_period  interval NOT NULL DEFAULT '1 minute',
    UNIQUE (equipment_code, metric_key)
);

CREATE TABLE IF NOT EXISTS factory_telemetry.shifts (
    shift_id       integer PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    start_local    time NOT NULL,
    end_local      time NOT NULL
);

CREATE TABLE IF NOT EXISTS factory_telemetry.fault_catalog (
    fault_code     text PRIMARY KEY,
    description    text NOT NULL,
    default_severity smallint NOT NULL CHECK (default_severity BETWEEN 1 AND 5)
);

-- ---------------------------------------------------------------- time series
-- High-rate telemetry: one row per metric sample. No foreign key (ingest rate);
-- metric_def_id is validated by the collector.
CREATE TABLE IF NOT EXISTS factory_telemetry.metric_hist (
    metric_def_id  integer NOT NULL,
    ts             timestamptz NOT NULL,
    value_real     double precision,
    value_int      bigint,
    value_bool     boolean,
    value_text     text,
    quality        smallint NOT NULL DEFAULT 192   -- OPC UA style: 192 = good
);

CREATE TABLE IF NOT EXISTS factory_telemetry.oee_calculations (
    calculation_time         timestamptz NOT NULL,
    line_id                  integer NOT NULL REFERENCES factory_telemetry.production_lines (line_id),
    equipment_code           text NOT NULL REFERENCES factory_telemetry.equipment (equipment_code),
    planned_production_time  integer NOT NULL,   -- seconds in the calculation window
    run_time                 integer NOT NULL,   -- seconds
    total_count              integer NOT NULL,
    good_count               integer NOT NULL,
    availability             double precision NOT NULL,
    performance              double precision NOT NULL,
    quality                  double precision NOT NULL,
    oee                      double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS factory_telemetry.energy_consumption (
    consumption_time  timestamptz NOT NULL,
    equipment_code    text NOT NULL REFERENCES factory_telemetry.equipment (equipment_code),
    line_id           integer NOT NULL REFERENCES factory_telemetry.production_lines (line_id),
    power_kw          double precision NOT NULL,
    energy_kwh        double precision NOT NULL,   -- energy in the sampling interval
    voltage_v         double precision,
    current_a         double precision,
    power_factor      double precision,
    cost_eur          numeric(12, 4)
);

CREATE TABLE IF NOT EXISTS factory_telemetry.production_kpis (
    kpi_date          date NOT NULL,
    line_id           integer NOT NULL REFERENCES factory_telemetry.production_lines (line_id),
    shift_id          integer NOT NULL REFERENCES factory_telemetry.shifts (shift_id),
    total_units       integer NOT NULL,
    good_units        integer NOT NULL,
    scrap_units       integer NOT NULL,
    planned_minutes   integer NOT NULL,
    downtime_minutes  integer NOT NULL,
    oee               double precision NOT NULL,
    target_met        boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS factory_telemetry.downtime_events (
    start_time          timestamptz NOT NULL,
    end_time            timestamptz,                -- NULL while the line is still down
    line_id             integer NOT NULL REFERENCES factory_telemetry.production_lines (line_id),
    equipment_code      text REFERENCES factory_telemetry.equipment (equipment_code),
    category            text NOT NULL,              -- planned, breakdown, changeover, material, quality, operator
    reason_code         text NOT NULL,
    duration_seconds    integer,
    planned             boolean NOT NULL DEFAULT false,
    comment             text
);

CREATE TABLE IF NOT EXISTS factory_telemetry.quality_checks (
    check_time        timestamptz NOT NULL,
    line_id           integer NOT NULL REFERENCES factory_telemetry.production_lines (line_id),
    equipment_code    text REFERENCES factory_telemetry.equipment (equipment_code),
    product_code      text NOT NULL,
    batch_id          text NOT NULL,
    check_type        text NOT NULL,                -- weight, dimension, visual, torque, seal
    result            text NOT NULL CHECK (result IN ('pass', 'fail', 'rework')),
    measured_value    double precision,
    lower_limit       double precision,
    upper_limit       double precision,
    inspector         text
);

CREATE TABLE IF NOT EXISTS factory_telemetry.fault_event (
    ts_on             timestamptz NOT NULL,
    ts_off            timestamptz,                  -- NULL while the fault is active
    equipment_code    text NOT NULL REFERENCES factory_telemetry.equipment (equipment_code),
    line_id           integer NOT NULL REFERENCES factory_telemetry.production_lines (line_id),
    fault_code        text NOT NULL,
    severity          smallint NOT NULL CHECK (severity BETWEEN 1 AND 5),
    acknowledged      boolean NOT NULL DEFAULT false,
    description       text
);
