// The sections of knowledge/ an answer cites: one button each; a section's text shows only
// when its button is clicked (Chainlit's "side" elements open a panel by themselves).
import { useState } from 'react';

export default function Sources() {
  const [open, setOpen] = useState(null);
  const items = props.sources || [];
  return (
    <div className="coach-sources flex flex-col gap-2 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-muted-foreground">Sources:</span>
        {items.map((source, i) => (
          <button
            key={source.name}
            type="button"
            aria-expanded={open === i}
            className="rounded-md border px-2 py-0.5 hover:bg-accent"
            onClick={() => setOpen(open === i ? null : i)}
          >
            [{i + 1}] {source.name}
          </button>
        ))}
      </div>
      {open !== null && items[open] ? (
        <div className="coach-source-text whitespace-pre-wrap rounded-md border p-3">
          {items[open].text}
        </div>
      ) : null}
    </div>
  );
}
