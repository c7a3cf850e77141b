# e2e: operator actions in tmux against the embedded TimescaleDB with the
# demo data. Sourced by tests/e2e/run.sh (uses its helpers: start_console,
# send, screen, wait_for_text, wait_for_gone, check, ok, not_ok, wait_exit,
# WORK, T); call e2e_actions CONNINFO.

e2e_q() { psql -X -At "$E2E_C" -c "$1" 2>/dev/null; }

e2e_actions() {
  E2E_C=$1
  _mh="'factory_telemetry.metric_hist'"
  _old="show_chunks($_mh, older_than => interval '7 days') c JOIN pg_class pc ON pc.oid = c
        JOIN _timescaledb_catalog.chunk k ON k.table_name = pc.relname AND k.schema_name = pc.relnamespace::regnamespace::text"
  # a backlog to compress: decompress the three oldest compressed chunks past compress_after
  e2e_q "SELECT count(decompress_chunk(c)) FROM (SELECT c FROM $_old WHERE k.status & 1 = 1 ORDER BY c::text LIMIT 3) x" >/dev/null
  backlog=$(e2e_q "SELECT count(*) FROM $_old WHERE k.status & 1 = 0 OR k.status & 8 = 8")
  comp0=$(e2e_q "SELECT count(*) FROM $_old WHERE k.status & 1 = 1")
  if [ -z "$backlog" ] || [ "$backlog" -lt 1 ]; then
    not_ok "actions: metric_hist has chunks to compress (backlog '$backlog')"
    return
  fi
  # a hypertable with chunks past its retention window
  e2e_q "DROP TABLE IF EXISTS public.e2e_ret; CREATE TABLE public.e2e_ret (ts timestamptz NOT NULL, v int);
         SELECT create_hypertable('public.e2e_ret', by_range('ts', interval '1 day'));
         INSERT INTO public.e2e_ret SELECT t, 1 FROM generate_series(now() - interval '12 days', now(), interval '6 hours') t;
         SELECT add_retention_policy('public.e2e_ret', interval '5 days');" >/dev/null
  ret_all=$(e2e_q "SELECT count(*) FROM show_chunks('public.e2e_ret')")
  ret_old=$(e2e_q "SELECT count(*) FROM show_chunks('public.e2e_ret', older_than => interval '5 days')")

  A=act
  start_console $A "$E2E_C" 140 45 --log "$WORK/actions.log"
  wait_for_text $A 'polled [0-9:]+ UTC' 90 && wait_for_gone $A 'waiting for first poll' 90
  send $A 1 /
  send $A -l metric_hist
  send $A Enter
  wait_for_text $A 'filter: metric_hist' 5
  send $A c
  if [ "${E2E_DEBUG:-0}" = 1 ]; then
    for _i in 1 2 3 4 5 6; do sleep 0.5; screen $A | grep -E 'Compress|planning|polled|Filter' | sed 's/^/#   dbg: /'; done
  fi
  check "c on metric_hist: the dialog shows the SQL with the real chunk names" $A \
    wait_for_text $A "SELECT public\\.compress_chunk\\('_timescaledb_internal\\._hyper_[0-9]+_[0-9]+_chunk'::regclass, if_not_compressed" 60
  check "the dialog says what it touches ($backlog chunks past compress_after)" $A \
    wait_for_text $A "$backlog chunks? past compress_after \\(7 days\\)" 2
  check "the dialog names the target and how to confirm" $A \
    wait_for_text $A 'Compress factory_telemetry\.metric_hist.*|Enter / y runs +Esc / n cancels' 2
  [ -s "$WORK/actions.log" ] && sed 's/^/#   log: /' "$WORK/actions.log" | tail -3
  send $A Escape
  if wait_for_gone $A 'compress_chunk\(' 5 && wait_for_text $A 'cancelled: nothing ran' 5 &&
     [ "$(e2e_q "SELECT count(*) FROM $_old WHERE k.status & 1 = 1")" = "$comp0" ]; then
    ok "Esc on the dialog: nothing ran (compressed chunks still $comp0)"
  else not_ok "Esc on the dialog: nothing ran" $A; fi

  send $A c
  wait_for_text $A 'compress_chunk\(' 30 && wait_for_text $A 'Enter / y runs' 5
  send $A Enter
  check "after confirming, progress appears (N/M chunks)" $A \
    wait_for_text $A 'Compress factory_telemetry\.metric_hist: [0-9]+/[0-9]+ (chunks|steps)' 20
  # k stops it: what was done stays done, and the message says how far it got
  send $A k
  if wait_for_text $A 'metric_hist: [0-9]+/[0-9]+ steps, (stopped|finished)' 60; then
    got=$(screen $A | sed -nE 's/.*metric_hist: ([0-9]+)\/[0-9]+ steps, (stopped|finished).*/\1/p' | head -1)
    now=$(e2e_q "SELECT count(*) FROM $_old WHERE k.status & 1 = 1")
    if [ -n "$got" ] && [ "$now" = $((comp0 + got)) ]; then
      ok "k stops the action; the server has exactly the chunks it reports done ($got)"
    else not_ok "k stops the action; the server has exactly the chunks it reports done (screen '$got', server $comp0 -> '$now')" $A; fi
    left=$((backlog - got))
  else
    not_ok "k stops the action (stopped or done message)" $A
    left=$backlog
  fi
  if [ "$left" -gt 0 ]; then
    send $A c
    wait_for_text $A "$left chunks? past compress_after" 60 && wait_for_text $A 'Enter / y runs' 5
    send $A y
  fi
  check "compressing the rest finishes: $left/$left steps done" $A \
    wait_for_text $A "metric_hist: $left/$left steps, finished" 180
  comp1=$(e2e_q "SELECT count(*) FROM $_old WHERE k.status & 1 = 1")
  if [ "$comp1" = $((comp0 + backlog)) ]; then ok "the server has $backlog more compressed chunks ($comp0 -> $comp1)"
  else not_ok "the server has $backlog more compressed chunks ($comp0 -> '$comp1')"; fi
  total_c=$(e2e_q "SELECT count(*) FROM _timescaledb_catalog.chunk k JOIN _timescaledb_catalog.hypertable h ON h.id = k.hypertable_id
                   WHERE h.schema_name = 'factory_telemetry' AND h.table_name = 'metric_hist' AND k.status & 1 = 1")
  _end=$(( $(date +%s) + 15 )); shown=
  while [ "$(date +%s)" -lt "$_end" ]; do
    shown=$(screen $A | grep -E '^│(✓|▲|✖|[ !X?]) (factory_telemetry\.)?metric_hist ' | head -1 |
            sed -E 's/^│[^ ]* +[^ ]+ +[0-9,]+ +([0-9,]+) .*/\1/' | tr -d ,)
    [ "$shown" = "$total_c" ] && break
    sleep 0.3
  done
  if [ "$shown" = "$total_c" ]; then ok "the Chunks pane shows the new compressed count ($total_c)"
  else not_ok "the Chunks pane shows the new compressed count (screen '$shown', server '$total_c')" $A; fi
  send $A l
  check "l shows the action log with the steps" $A wait_for_text $A 'Action log .*actions\.log' 5
  check "the log lists the steps with their SQL" $A wait_for_text $A 'step +compress .*SELECT public\.compress_chunk' 5
  send $A l
  wait_for_gone $A 'Action log' 5
  n=$(grep -c '"event":"step"' "$WORK/actions.log" 2>/dev/null)
  if [ "${n:-0}" -ge "$backlog" ] && ! grep -qi password "$WORK/actions.log" &&
     head -1 "$WORK/actions.log" | grep -q '^{"time":"[0-9T:.-]*Z","event":'; then
    ok "--log FILE: one JSON line per event ($n steps), no password"
  else not_ok "--log FILE: one JSON line per event (steps '$n')"; fi

  # jobs of the selected row: pause and resume change the job, run now says how
  jid=$(e2e_q "SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = 'metric_hist' AND proc_name = 'policy_compression'")
  send $A / Escape 2 /
  send $A -l metric_hist
  send $A Enter j
  check "j opens the jobs of metric_hist" $A wait_for_text $A "Jobs of (factory_telemetry\\.)?metric_hist" 10
  check "the jobs list shows its compression job $jid" $A wait_for_text $A " $jid +policy_compression +active" 5
  send $A r
  check "run now without a scheduler: CALL run_job, and why" $A \
    wait_for_text $A "CALL public\\.run_job\\('$jid'::int\\)" 30
  check "... the dialog says no scheduler is running" $A wait_for_text $A 'no scheduler is running' 2
  send $A n
  wait_for_gone $A 'run_job' 5
  send $A p
  wait_for_text $A "alter_job\\('$jid'::int, scheduled => false\\)" 30 && wait_for_text $A 'Enter / y runs' 5
  send $A y
  if wait_for_text $A "Pause job $jid: 1/1 steps, finished" 30 &&
     [ "$(e2e_q "SELECT scheduled FROM timescaledb_information.jobs WHERE job_id = $jid")" = f ]; then
    ok "p + y pauses job $jid (scheduled = false on the server)"
  else not_ok "p + y pauses job $jid" $A; fi
  check "the jobs list shows it PAUSED" $A wait_for_text $A " $jid +policy_compression +PAUSED" 10
  send $A u
  wait_for_text $A "alter_job\\('$jid'::int, scheduled => true\\)" 30 && wait_for_text $A 'Enter / y runs' 5
  send $A y
  if wait_for_text $A "Resume job $jid: 1/1 steps, finished" 30 &&
     [ "$(e2e_q "SELECT scheduled FROM timescaledb_information.jobs WHERE job_id = $jid")" = t ]; then
    ok "u + y resumes it (scheduled = true)"
  else not_ok "u + y resumes it" $A; fi
  send $A Escape
  wait_for_gone $A 'Jobs of' 5

  # refresh an aggregate: the policy window, in slices; the watermark moves
  wm="SELECT coalesce(_timescaledb_functions.cagg_watermark(mat_hypertable_id), 0) FROM _timescaledb_catalog.continuous_agg WHERE user_view_name = 'metric_hourly_aggregate'"
  wm0=$(e2e_q "$wm")
  send $A / Escape 4 /
  send $A -l metric_hourly
  send $A Enter f
  check "f: the refresh dialog shows CALL refresh_continuous_aggregate with the window" $A \
    wait_for_text $A "CALL public\\.refresh_continuous_aggregate\\('factory_telemetry\\.metric_hourly_aggregate'::regclass, '" 30
  wait_for_text $A 'Enter / y runs' 5
  # a typed window (the policy's ends an hour ago: it may have nothing new)
  send $A w
  send $A -l '3 days'
  send $A Enter
  check "w: a typed window is planned again, in slices" $A wait_for_text $A '\(typed\), [0-9]+ slices' 30
  wait_for_text $A 'Enter / y runs' 5
  send $A y
  check "the refresh finishes" $A wait_for_text $A 'Refresh factory_telemetry\.metric_hourly_aggregate: [0-9]+/[0-9]+ steps, finished' 120
  wm1=$(e2e_q "$wm")
  if [ -n "$wm1" ] && [ "$wm1" -gt "${wm0:-0}" ]; then ok "the watermark moved ($wm0 -> $wm1)"
  else not_ok "the watermark moved ('$wm0' -> '$wm1')"; fi

  # retention: the typed name is needed
  send $A / Escape 3 /
  send $A -l e2e_ret
  send $A Enter
  wait_for_text $A 'e2e_ret' 30
  send $A x
  check "x: the retention dialog lists what it drops ($ret_old chunks)" $A wait_for_text $A "DROPS $ret_old chunks?" 30
  check "x: the dialog asks for the typed name" $A wait_for_text $A "Type the hypertable's name to confirm" 2
  send $A -l e2e_re
  send $A Enter
  if wait_for_text $A 'type the name e2e_ret exactly' 5 && [ "$(e2e_q "SELECT count(*) FROM show_chunks('public.e2e_ret')")" = "$ret_all" ]; then
    ok "a wrong name does not drop anything"
  else not_ok "a wrong name does not drop anything" $A; fi
  send $A -l t
  send $A Enter
  check "the right name runs it" $A wait_for_text $A 'Retention: drop chunks (public\.)?e2e_ret: [0-9]+/[0-9]+ steps, finished' 60
  left=$(e2e_q "SELECT count(*) FROM show_chunks('public.e2e_ret')")
  old_left=$(e2e_q "SELECT count(*) FROM show_chunks('public.e2e_ret', older_than => interval '5 days')")
  if [ "$left" = $((ret_all - ret_old)) ] && [ "$old_left" = 0 ]; then ok "exactly the $ret_old listed chunks were dropped ($ret_all -> $left)"
  else not_ok "exactly the listed chunks were dropped ($ret_all -> '$left', old left '$old_left')"; fi
  send $A q
  wait_exit $A 10 >/dev/null
  if [ -s "$WORK/$A.err" ]; then not_ok "actions: nothing written to stderr"; sed 's/^/#   /' "$WORK/$A.err" | head
  else ok "actions: nothing written to stderr"; fi

  # --read-only: every action key refused, nothing changes
  e2e_q "SELECT count(decompress_chunk(c)) FROM (SELECT c FROM $_old WHERE k.status & 1 = 1 ORDER BY c::text LIMIT 1) x" >/dev/null
  fp0=$(e2e_q "SELECT md5(string_agg(k.table_name || k.status, ',' ORDER BY k.id)) FROM _timescaledb_catalog.chunk k")
  R=ro
  start_console $R "$E2E_C" 140 45 --read-only --log "$WORK/ro.log"
  wait_for_text $R 'polled [0-9:]+ UTC' 90 && wait_for_gone $R 'waiting for first poll' 90
  send $R 1 /
  send $R -l metric_hist
  send $R Enter
  send $R c
  check "--read-only: c says read-only mode" $R wait_for_text $R 'read-only mode: compress is disabled' 10
  for k in x f m; do send $R "$k"; sleep 0.3; done
  check "--read-only: m says read-only mode" $R wait_for_text $R 'read-only mode: maintenance is disabled' 10
  # the jobs list (reading is allowed) and its r / p / u, the chunk list's c / d
  send $R J
  if wait_for_text $R 'Jobs of this database' 5; then
    for k in r p u; do send $R "$k"; sleep 0.3; done
    check "--read-only: u in the jobs list says read-only mode" $R wait_for_text $R 'read-only mode: job-resume is disabled' 10
    send $R Escape
  else not_ok "--read-only: J opens the jobs list" $R; fi
  send $R 1 Enter
  if wait_for_text $R 'Chunks of ' 10 && wait_for_text $R '_chunk +(un)?compressed' 10; then
    send $R d
    check "--read-only: d in the chunk list says read-only mode" $R wait_for_text $R 'read-only mode: decompress-chunk is disabled' 10
    send $R Escape
  else not_ok "--read-only: Enter opens the chunk list" $R; fi
  if screen $R | grep -q 'compress_chunk\|Type the hypertable'; then not_ok "--read-only: no dialog opens" $R
  else ok "--read-only: no dialog opens"; fi
  send $R '?'
  check "--read-only: help shows the action keys disabled" $R wait_for_text $R 'disabled: read-only mode' 5
  send $R Escape q
  wait_exit $R 10 >/dev/null
  fp1=$(e2e_q "SELECT md5(string_agg(k.table_name || k.status, ',' ORDER BY k.id)) FROM _timescaledb_catalog.chunk k")
  if [ -n "$fp0" ] && [ "$fp0" = "$fp1" ]; then ok "--read-only: the database is unchanged"
  else not_ok "--read-only: the database is unchanged"; fi
  if grep -q '"event":"refused"' "$WORK/ro.log" 2>/dev/null; then ok "--read-only: refusals recorded in the log"
  else not_ok "--read-only: refusals recorded in the log"; fi
  # the config setting does the same as --read-only
  printf '[console]\nread_only = true\n' >"$WORK/ro.conf"
  R=roc
  start_console $R "$E2E_C" 140 45 --config "$WORK/ro.conf" --log "$WORK/roc.log"
  wait_for_text $R 'polled [0-9:]+ UTC' 90
  send $R 1 c
  check "console.read_only = true in the config file: c says read-only mode" $R \
    wait_for_text $R 'read-only mode: compress is disabled' 10
  for k in x f m; do send $R "$k"; sleep 0.3; done
  check "console.read_only = true in the config file: m says read-only mode" $R \
    wait_for_text $R 'read-only mode: maintenance is disabled' 10
  send $R J
  if wait_for_text $R 'Jobs of this database' 5; then
    for k in r p u; do send $R "$k"; sleep 0.3; done
    check "console.read_only = true in the config file: u in the jobs list says read-only mode" $R \
      wait_for_text $R 'read-only mode: job-resume is disabled' 10
    send $R Escape
  else not_ok "console.read_only = true in the config file: J opens the jobs list" $R; fi
  send $R q
  wait_exit $R 10 >/dev/null
  fp2=$(e2e_q "SELECT md5(string_agg(k.table_name || k.status, ',' ORDER BY k.id)) FROM _timescaledb_catalog.chunk k")
  if [ "$fp2" = "$fp0" ] && [ "$(grep -c '"event":"refused"' "$WORK/roc.log" 2>/dev/null)" -ge 5 ]; then
    ok "console.read_only = true in the config file: the database is unchanged, the refusals logged"
  else not_ok "console.read_only = true in the config file: the database is unchanged, the refusals logged"; fi
  e2e_q "DROP TABLE IF EXISTS public.e2e_ret" >/dev/null
}

# On plain PostgreSQL the TimescaleDB actions say why instead of failing at
# the server. e2e_actions_pg15 CONNINFO
e2e_actions_pg15() {
  P=pgact
  start_console $P "$1" 120 40 --log "$WORK/pg-actions.log"
  wait_for_text $P 'polled [0-9:]+ UTC' 30
  send $P c
  check "PG15: c says TimescaleDB is not installed" $P wait_for_text $P 'TimescaleDB is not installed in database' 10
  send $P m
  check "PG15: m says so too" $P wait_for_text $P 'TimescaleDB is not installed' 10
  if screen $P | grep -q 'compress_chunk\|Enter / y runs'; then not_ok "PG15: no dialog opens" $P
  else ok "PG15: no dialog opens"; fi
  send $P q
  rc=$(wait_exit $P 10)
  check "PG15: q still exits 0 (with the action connection open)" $P [ "$rc" = 0 ]
  if grep -q '"event":"refused".*not installed' "$WORK/pg-actions.log" 2>/dev/null; then ok "PG15: the refusals are in the action log"
  else not_ok "PG15: the refusals are in the action log"; fi
}
