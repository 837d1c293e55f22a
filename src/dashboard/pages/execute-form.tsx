/**
 * @module A flow's Execute form: with an `input` JSON Schema of an object's properties, one typed
 * field per property (core/input-form.ts), required where the schema says; else the request body
 * as JSON. The fields post as `input.<name>`; the operation types them back (actions.ts).
 */
import type { FlowView } from '../api-types'
import { fieldName, type InputField, inputFields } from '../core/input-form'
import { ApiForm } from './components'

const KIND_TEXT: Record<InputField['kind'], string> = {
  text: 'text',
  number: 'number',
  integer: 'whole number',
  boolean: 'yes or no',
  choice: 'one of a list',
  json: 'JSON',
}

function Field({ field }: { field: InputField }) {
  const name = fieldName(field.name)
  const caption = (
    <>
      <span class="field-name">
        {field.name}
        {field.required ? ' *' : ''}
      </span>{' '}
      <span class="field-kind">
        {KIND_TEXT[field.kind]}
        {field.required ? ', required' : ''}
        {field.description ? ` — ${field.description}` : ''}
      </span>
    </>
  )
  const required = field.required || undefined
  switch (field.kind) {
    case 'boolean':
      return (
        <label class="field check" data-field={field.name}>
          <input type="checkbox" name={name} value="true" checked={field.initial === 'true'} />
          {caption}
        </label>
      )
    case 'choice':
      return (
        <label class="field" data-field={field.name}>
          {caption}
          <select name={name} required={required}>
            {field.required ? null : <option value="">—</option>}
            {field.choices.map((choice) => (
              <option value={choice} selected={choice === field.initial}>
                {choice}
              </option>
            ))}
          </select>
        </label>
      )
    case 'json':
      return (
        <label class="field" data-field={field.name}>
          {caption}
          <textarea name={name} rows={3} required={required}>
            {field.initial}
          </textarea>
        </label>
      )
    case 'text':
    case 'number':
    case 'integer':
      return (
        <label class="field" data-field={field.name}>
          {caption}
          <input
            type={field.kind === 'text' ? 'text' : 'number'}
            step={field.kind === 'number' ? 'any' : field.kind === 'integer' ? '1' : undefined}
            name={name}
            value={field.initial}
            required={required}
          />
        </label>
      )
  }
}

export function ExecuteForm({ flow }: { flow: FlowView }) {
  const fields = inputFields(flow.definition.input)
  return (
    <ApiForm action={`/flows/${flow.id}/execute`} label="Execute">
      {fields ? (
        <fieldset class="input-fields">
          <legend>Input (from the flow's input schema; * required)</legend>
          <input type="hidden" name="fields" value="input" />
          {fields.map((field) => (
            <Field field={field} />
          ))}
        </fieldset>
      ) : (
        <label>
          Request body (JSON)
          <textarea name="body" rows={4}>
            {'{}'}
          </textarea>
        </label>
      )}
      <button type="submit" class="primary">
        Execute
      </button>
    </ApiForm>
  )
}
