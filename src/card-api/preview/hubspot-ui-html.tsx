import { Children, type ReactNode } from 'react';

/*
 * The @hubspot/ui-extensions components the persona card uses, rendered as plain HTML for the
 * browser preview. The preview bundle aliases the package to this module, so the card's own
 * components render the preview: a component missing here fails the build, never the page.
 * Names and props follow the package's; only what changes the picture is kept.
 */

type Testable = { testId?: string; children?: ReactNode };
const tid = (testId?: string) => (testId ? { 'data-testid': testId } : {});
type Variant = 'default' | 'success' | 'info' | 'warning' | 'error' | 'danger' | 'tip';

export function Flex({
  direction = 'row',
  gap = 'flush',
  align,
  justify,
  wrap,
  testId,
  children,
}: Testable & {
  direction?: 'row' | 'column';
  gap?: string;
  align?: string;
  justify?: string;
  wrap?: boolean | string;
}) {
  const classes = [
    'hs-flex',
    `hs-${direction}`,
    `hs-gap-${gap}`,
    align ? `hs-align-${align}` : '',
    justify ? `hs-justify-${justify}` : '',
    wrap ? 'hs-wrap' : '',
  ];
  return (
    <div className={classes.filter(Boolean).join(' ')} {...tid(testId)}>
      {children}
    </div>
  );
}

export function Box({ testId, children }: Testable & { flex?: unknown; alignSelf?: unknown }) {
  return (
    <div className="hs-box" {...tid(testId)}>
      {children}
    </div>
  );
}

export function Heading({ testId, children }: Testable & { inline?: boolean }) {
  return (
    <h1 className="hs-heading" {...tid(testId)}>
      {children}
    </h1>
  );
}

export function Text({
  testId,
  children,
  format,
  variant,
  inline,
}: Testable & {
  format?: { fontWeight?: 'regular' | 'bold' | 'demibold'; italic?: boolean };
  variant?: 'bodytext' | 'microcopy';
  inline?: boolean;
}) {
  const classes = [
    'hs-text',
    variant === 'microcopy' ? 'hs-microcopy' : '',
    format?.fontWeight && format.fontWeight !== 'regular' ? `hs-${format.fontWeight}` : '',
    format?.italic ? 'hs-italic' : '',
  ];
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag className={classes.filter(Boolean).join(' ')} {...tid(testId)}>
      {children}
    </Tag>
  );
}

export function Tag({ testId, children, variant = 'default' }: Testable & { variant?: Variant }) {
  return (
    <span className={`tag tag-${variant}`} {...tid(testId)}>
      {children}
    </span>
  );
}

export function Image({ testId, src, alt, width, height }: Testable & { src: string; alt?: string; width?: number; height?: number }) {
  return <img className="hs-image" src={src} alt={alt ?? ''} width={width} height={height} {...tid(testId)} />;
}

export function ProgressBar({
  testId,
  title,
  value = 0,
  maxValue = 100,
  valueDescription,
  variant = 'success',
}: Testable & {
  title?: string;
  value?: number;
  maxValue?: number;
  valueDescription?: string;
  variant?: 'success' | 'warning' | 'danger';
  showPercentage?: boolean;
}) {
  const ratio = maxValue > 0 ? Math.max(0, Math.min(1, value / maxValue)) : 0;
  return (
    <div className="hs-progress" {...tid(testId)}>
      <div className="hs-progress-head">
        <span>{title}</span>
        <span>{valueDescription}</span>
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-label={title}
        aria-valuemin={0}
        aria-valuemax={maxValue}
        aria-valuenow={value}
        aria-valuetext={valueDescription}
      >
        <div className={`bar-fill ${variant}`} style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}

export function Alert({ testId, title, variant = 'info', children }: Testable & { title: string; variant?: Variant }) {
  return (
    <section className={`callout callout-${variant}`} role="note" {...tid(testId)}>
      <h2>{title}</h2>
      <div>{children}</div>
    </section>
  );
}

export function Accordion({ testId, title, defaultOpen, children }: Testable & { title: string; defaultOpen?: boolean; size?: string }) {
  return (
    <details className="hs-accordion" open={defaultOpen} {...tid(testId)}>
      <summary>{title}</summary>
      <div className="hs-accordion-body">{children}</div>
    </details>
  );
}

export function DescriptionList({ testId, direction = 'column', children }: Testable & { direction?: 'row' | 'column' }) {
  return (
    <dl className={`hs-dl hs-dl-${direction}`} {...tid(testId)}>
      {children}
    </dl>
  );
}

export function DescriptionListItem({ label, children }: { label: string; children?: ReactNode }) {
  return (
    <div className="hs-dl-item">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function Divider() {
  return <hr className="hs-divider" />;
}

export function EmptyState({
  testId,
  title,
  children,
}: Testable & { title: string; imageName?: string; layout?: string; flush?: boolean; reverseOrder?: boolean }) {
  return (
    <section className="hs-empty" {...tid(testId)}>
      <div className="avatar initials" aria-hidden="true">
        ?
      </div>
      <div>
        <h1 className="hs-heading">{title}</h1>
        {children}
      </div>
    </section>
  );
}

export function List({ testId, variant = 'unordered', children }: Testable & { variant?: string }) {
  const items = Children.toArray(children).map((child, i) => <li key={i}>{child}</li>);
  return variant.startsWith('ordered') ? (
    <ol className={`hs-list hs-${variant}`} {...tid(testId)}>
      {items}
    </ol>
  ) : (
    <ul className={`hs-list hs-${variant}`} {...tid(testId)}>
      {items}
    </ul>
  );
}
