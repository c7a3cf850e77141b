-- Demo reference data: 3 lines, 12 pieces of equipment, 48 metrics, 3 shifts,
-- a fault catalog. Idempotent (ON CONFLICT DO NOTHING).
INSERT INTO factory_telemetry.production_lines (line_id, line_code, name, area, target_oee) VALUES
    (1, 'L1', 'Bottling line 1',  'Hall A', 0.85),
    (2, 'L2', 'Canning line 2',   'Hall A', 0.80),
    (3, 'L3', 'Packaging line 3', 'Hall B', 0.75)
ON CONFLICT DO NOTHING;

INSERT INTO factory_telemetry.equipment (equipment_code, line_id, name, kind, rated_power_kw, ideal_cycle_s)
SELECT format('L%s-%s', l, k.code), l, format('%s %s', k.label, l), k.kind, k.kw * (1 + 0.1 * l), k.cycle
  FROM generate_series(1, 3) l,
       (VALUES ('FIL', 'Filler',     'filler',     45.0, 0.40),
               ('CAP', 'Capper',     'capper',     12.0, 0.40),
               ('LAB', 'Labeler',    'labeler',     8.0, 0.35),
               ('PAL', 'Palletizer', 'palletizer', 22.0, 0.45)) AS k(code, label, kind, kw, cycle)
ON CONFLICT DO NOTHING;

-- metric_def_id = equipment number * 10 + metric number (deterministic)
INSERT INTO factory_telemetry.metric_def (metric_def_id, equipment_code, metric_key, value_type, unit, sample_period)
SELECT e.n * 10 + m.n, e.equipment_code, m.key, m.vtype, m.unit, interval '3 minutes'
  FROM (SELECT equipment_code, row_number() OVER (ORDER BY equipment_code) AS n
          FROM factory_telemetry.equipment) e,
       (VALUES (1, 'motor_temperature', 'real', 'degC'),
               (2, 'vibration_rms',     'real', 'mm/s'),
               (3, 'running',           'bool', NULL),
               (4, 'piece_count',       'int',  'pcs')) AS m(n, key, vtype, unit)
ON CONFLICT DO NOTHING;

INSERT INTO factory_telemetry.shifts (shift_id, name, start_local, end_local) VALUES
    (1, 'early', '06:00', '14:00'),
    (2, 'late',  '14:00', '22:00'),
    (3, 'night', '22:00', '06:00')
ON CONFLICT DO NOTHING;

INSERT INTO factory_telemetry.fault_catalog (fault_code, description, default_severity) VALUES
    ('E101', 'motor overtemperature',        4),
    ('E102', 'drive fault',                  5),
    ('E201', 'bottle jam at infeed',         2),
    ('E202', 'missing cap',                  2),
    ('E301', 'label web break',              3),
    ('E401', 'pallet wrapper film empty',    1),
    ('E501', 'safety door opened',           3),
    ('E601', 'low air pressure',             4)
ON CONFLICT DO NOTHING;
