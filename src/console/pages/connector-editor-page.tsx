import { useEffect, useState } from 'preact/hooks';
import { stringify } from 'yaml';
import { ApiFailure } from '../api-client.js';
import type { Connector, ScheduleSpec } from '../api-types.js';
import { useApi } from '../parts/api-context.js';
import { ErrorNote, Loading, PageTitle } from '../parts/common.js';
import { FieldError, ScheduleFields } from '../parts/schedule-fields.js';
import { YamlEditor } from '../parts/yaml-editor.js';
import { placeIssues, yamlSyntaxIssues, type PlacedIssue } from '../parts/yaml-fields.js';
import { href, navigate } from '../router.js';

const STARTER = `# A connector in floe's YAML (dlt rest_api_source and rest_api YAML are accepted too).
base_url: https://api.example.com/v2
auth: { type: api_key, key_name: X-API-Key, key_value: "{{ env.EXAMPLE_KEY }}" }
endpoints:
  - path: /users
    records_path: $.data
    pagination: { type: offset, limit_value: 100 }
destination: { type: duckdb, path: .floe/warehouse.duckdb }
`;

/**
 * Create or edit a connector from YAML. The API validates it with floe's own config rules; each
 * error is shown on the YAML line of its field (or under the name or schedule field). Secrets come
 * back as `***`: leaving `***` keeps the stored value.
 */
export function ConnectorEditorPage({ id }: { id?: string }) {
  const api = useApi();
  const [loaded, setLoaded] = useState<Connector | undefined>(undefined);
  const [loadError, setLoadError] = useState<ApiFailure | undefined>(undefined);
  const [name, setName] = useState('');
  const [yaml, setYaml] = useState(id ? '' : STARTER);
  const [schedule, setSchedule] = useState<ScheduleSpec | null>(null);
  const [issues, setIssues] = useState<PlacedIssue[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Map<string, string>>(new Map());
  const [failure, setFailure] = useState<ApiFailure | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id) return;
    api.get<Connector>(`/connectors/${id}`).then(
      (c) => {
        setLoaded(c);
        setName(c.name);
        const rest = { ...c.config };
        delete rest.name; // edited in the Name field
        setYaml(stringify(rest, { lineWidth: 0 }));
        setSchedule(
          c.schedule
            ? { mode: c.schedule.mode, every: c.schedule.every, offset_minutes: c.schedule.offset_minutes }
            : null,
        );
      },
      (e: unknown) => setLoadError(e as ApiFailure),
    );
  }, [api, id]);

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    setFailure(undefined);
    const syntax = yamlSyntaxIssues(yaml);
    if (syntax.length) {
      setIssues(syntax);
      setFieldErrors(new Map());
      return;
    }
    setBusy(true);
    try {
      const body: Record<string, unknown> = { config: yaml };
      if (name.trim()) body.name = name.trim();
      if (id) {
        if (schedule || loaded?.schedule) body.schedule = schedule;
      } else if (schedule) body.schedule = schedule;
      const saved = await api.send<Connector>(
        id ? 'PATCH' : 'POST',
        id ? `/connectors/${id}` : '/connectors',
        body,
      );
      navigate(`/connectors/${saved.id}`);
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      const config = err.details.filter((d) => d.field === 'config' || d.field.startsWith('config.'));
      setIssues(placeIssues(yaml, config));
      setFieldErrors(
        new Map(err.details.filter((d) => !config.includes(d)).map((d) => [d.field, d.message])),
      );
      if (err.details.length === 0) setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  if (loadError) return <ErrorNote error={loadError} title="Could not load the connector" />;
  if (id && !loaded) return <Loading what="the connector" />;
  const nameError = fieldErrors.get('name');
  const otherErrors = [...fieldErrors].filter(([f]) => f !== 'name' && !f.startsWith('schedule'));
  const problems = issues.length + fieldErrors.size;
  return (
    <>
      <PageTitle
        sub={
          id
            ? 'Secrets show as ***; leave them so to keep the stored values.'
            : 'Paste or write the config; the server checks it before saving.'
        }
      >
        {id ? `Edit ${loaded?.name ?? ''}` : 'New connector'}
      </PageTitle>
      <form class="editor-form" onSubmit={(e) => void save(e)} noValidate>
        {problems > 0 && (
          <div class="note note-error" role="alert">
            {problems === 1 ? 'One problem' : `${problems} problems`} to fix before saving; each is shown at
            its field.
          </div>
        )}
        <div class="field">
          <label for="connector-name">Name</label>
          <input
            id="connector-name"
            value={name}
            placeholder="from the config's name"
            autocomplete="off"
            aria-invalid={nameError !== undefined}
            aria-describedby={nameError ? 'connector-name-error' : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <FieldError id="connector-name-error" message={nameError} />
        </div>
        <YamlEditor
          id="connector-yaml"
          label="Config (YAML)"
          value={yaml}
          onInput={(t) => {
            setYaml(t);
            if (issues.length) setIssues([]);
          }}
          issues={issues}
          hint="Use {{ env.NAME }} for secrets kept in the server's environment; secrets typed here are stored encrypted."
        />
        <ScheduleFields
          idPrefix="editor-schedule"
          value={schedule}
          onChange={setSchedule}
          errors={fieldErrors}
        />
        {otherErrors.map(([f, m]) => (
          <p class="field-error" key={f}>
            <code>{f}</code>: {m}
          </p>
        ))}
        <ErrorNote error={failure} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : id ? 'Save changes' : 'Create connector'}
          </button>
          <a class="button" href={id ? href(`/connectors/${id}`) : href('/')}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}
