import type { ComponentChildren } from 'preact';

/** A labelled control with its hint and the problems the API reported for it, wired for assistive tech. */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  problems?: string[];
  wide?: boolean;
  children: (aria: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ComponentChildren;
}) {
  const described = [props.hint ? `${props.id}-hint` : null, props.problems?.length ? `${props.id}-problem` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${props.wide ? ' wide' : ''}${props.problems?.length ? ' has-problem' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        'aria-invalid': props.problems?.length ? true : undefined,
        'aria-describedby': described || undefined,
      })}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.problems?.length ? (
        <p class="problem" id={`${props.id}-problem`}>
          {props.problems.join('; ')}
        </p>
      ) : null}
    </div>
  );
}
