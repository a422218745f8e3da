/**
 * Taro components as plain DOM elements for jsdom tests. Events carry `detail.value` the way Taro
 * hands them to pages.
 */
import type { ReactNode } from 'react';

type Props = { children?: ReactNode; className?: string; [attribute: string]: unknown };

function pass(props: Props): Record<string, unknown> {
  const { children: _children, onInput: _onInput, onConfirm: _onConfirm, onChange: _onChange, loading: _loading, openType: _openType, mode: _mode, canvasId: _canvasId, maxlength: _maxlength, selectable: _selectable, ...rest } = props;
  return rest;
}

export const View = (props: Props) => <div {...pass(props)}>{props.children}</div>;
export const Text = (props: Props) => <span {...pass(props)}>{props.children}</span>;
export const Button = (props: Props) => (
  <button type="button" {...pass(props)} disabled={Boolean(props.disabled)}>
    {props.children}
  </button>
);
export const Input = (props: Props) => (
  <input
    {...pass(props)}
    value={String(props.value ?? '')}
    onChange={(event) => (props.onInput as ((e: { detail: { value: string } }) => void) | undefined)?.({ detail: { value: event.target.value } })}
  />
);
export const Textarea = (props: Props) => (
  <textarea
    {...pass(props)}
    value={String(props.value ?? '')}
    onChange={(event) => (props.onInput as ((e: { detail: { value: string } }) => void) | undefined)?.({ detail: { value: event.target.value } })}
  />
);
export const Image = (props: Props) => <img alt="" {...pass(props)} />;
export const Canvas = (props: Props) => <canvas {...pass(props)} />;
export const Switch = (props: Props) => (
  <input
    type="checkbox"
    {...pass(props)}
    checked={Boolean(props.checked)}
    onChange={(event) => (props.onChange as ((e: { detail: { value: boolean } }) => void) | undefined)?.({ detail: { value: event.target.checked } })}
  />
);
