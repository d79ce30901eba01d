/**
 * The runs table: TanStack Virtual for rows and data columns, so only what is on screen is in
 * the DOM at 10,000 runs; nested runs are walked into rows by `visibleRows` (../lib/runRows.ts).
 * Sorting is the server's; clicking a header asks for a new order.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import type { MouseEvent } from 'react';
import { Link } from 'react-router';
import { formatDuration, formatNumber, formatTime } from '../lib/format';
import { cellValue, visibleRows as walkRows } from '../lib/runRows';
import { observeSharedOffset } from '../lib/scrollOffsets';
import type { RunRow, VisibleRow } from '../lib/runRows';
import { columnId } from '../lib/runsViewState';
import type { DataColumn, SortSpec } from '../lib/runsViewState';

const ROW_HEIGHT = 34;
const DATA_WIDTH = 130;

interface Props {
  rows: RunRow[];
  columns: DataColumn[];
  sort: SortSpec;
  onSort: (sort: SortSpec) => void;
  expanded: string[];
  onExpanded: (ids: string[]) => void;
  selected: Set<string>;
  onSelected: (ids: Set<string>) => void;
  showExperiment: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  onNearEnd: () => void;
}

interface FixedColumn {
  id: string;
  width: number;
  sortKey?: { kind: 'attributes'; key: string };
}

const FIXED: FixedColumn[] = [
  { id: 'select', width: 36 },
  { id: 'name', width: 260, sortKey: { kind: 'attributes', key: 'run_name' } },
  { id: 'created', width: 180, sortKey: { kind: 'attributes', key: 'start_time' } },
  { id: 'duration', width: 90 },
  { id: 'status', width: 100, sortKey: { kind: 'attributes', key: 'status' } },
  { id: 'user', width: 110, sortKey: { kind: 'attributes', key: 'user_id' } },
];

const FIXED_WITH_EXPERIMENT: FixedColumn[] = [...FIXED, { id: 'experiment', width: 90 }];

export function RunsTable(props: Props) {
  const { rows, columns, sort, onSort, expanded, onExpanded, selected, onSelected } = props;
  const fixed = props.showExperiment ? FIXED_WITH_EXPERIMENT : FIXED;
  const fixedWidth = fixed.reduce((s, c) => s + c.width, 0);
  const pinnedWidth = fixed.slice(0, PINNED).reduce((s, c) => s + c.width, 0);

  const expandedIds = useMemo(() => new Set(expanded), [expanded]);
  const visibleRows = useMemo(() => walkRows(rows, expandedIds), [rows, expandedIds]);

  const scroller = useRef<HTMLDivElement>(null);
  const rowVirtualizer = useVirtualizer({
    count: visibleRows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    observeElementOffset: observeSharedOffset,
  });
  const colVirtualizer = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => DATA_WIDTH,
    paddingStart: fixedWidth,
    overscan: 3,
    observeElementOffset: observeSharedOffset,
  });
  const vRows = rowVirtualizer.getVirtualItems();
  const bodyHeight = rowVirtualizer.getTotalSize();
  const shown = vRows.flatMap((vr) => {
    const row = visibleRows[vr.index];
    return row ? [{ vr, row }] : [];
  });
  const vCols = colVirtualizer.getVirtualItems();
  const totalWidth = colVirtualizer.getTotalSize();
  const lastIndex = vRows[vRows.length - 1]?.index ?? 0;
  const { hasMore, loadingMore, onNearEnd } = props;
  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= visibleRows.length - 50) onNearEnd();
  }, [hasMore, loadingMore, lastIndex, visibleRows.length, onNearEnd]);

  // one callback for every row, so a row re-renders only when its own props change
  const selection = useRef({ selected, onSelected, expanded, onExpanded });
  selection.current = { selected, onSelected, expanded, onExpanded };
  const toggle = useCallback((id: string) => {
    const next = new Set(selection.current.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    selection.current.onSelected(next);
  }, []);
  const toggleExpanded = useCallback((id: string) => {
    const { expanded: ids, onExpanded: set } = selection.current;
    set(ids.includes(id) ? ids.filter((e) => e !== id) : [...ids, id]);
  }, []);

  // a run's pinned cells and its row are two elements: both show the pointer's row
  const hovered = useRef<string | undefined>(undefined);
  const hoverRow = useCallback((e: MouseEvent<HTMLDivElement>) => {
    const id = e.type === 'mouseleave' ? undefined : (e.target as Element).closest<HTMLElement>('[data-row]')?.dataset.row;
    if (id === hovered.current) return;
    hovered.current = id;
    const inner = e.currentTarget;
    for (const el of inner.querySelectorAll('[data-hover]')) el.removeAttribute('data-hover');
    if (id !== undefined) for (const el of inner.querySelectorAll(`[data-row="${CSS.escape(id)}"]`)) el.setAttribute('data-hover', '');
  }, []);

  const leadingSpace = (vCols[0]?.start ?? fixedWidth) - fixedWidth;
  const trailingSpace = totalWidth - (vCols[vCols.length - 1]?.end ?? fixedWidth);
  const firstCol = vCols[0]?.index ?? 0;
  const endCol = (vCols[vCols.length - 1]?.index ?? -1) + 1;
  // spread into the header and each row: plain values, so their memo compares them one by one
  const columnWindow: ColumnWindow = { fixed, pinnedWidth, columns, firstCol, endCol, leadingSpace, trailingSpace, width: totalWidth };
  const allSelected = rows.length > 0 && visibleRows.every((r) => selected.has(r.id));
  // stable callbacks, so the memoised header renders again only when what it shows changes
  const latest = useRef({ onSort, onSelected, visibleRows });
  latest.current = { onSort, onSelected, visibleRows };
  const sortBy = useCallback((spec: SortSpec) => latest.current.onSort(spec), []);
  const selectAll = useCallback((checked: boolean) => latest.current.onSelected(new Set(checked ? latest.current.visibleRows.map((r) => r.id) : [])), []);

  return (
    <div ref={scroller} className="runs-scroller">
      <div className="runs-inner" style={{ height: bodyHeight + ROW_HEIGHT, width: totalWidth }} onMouseOver={hoverRow} onMouseLeave={hoverRow}>
        <div className="runs-table" role="table" aria-label="Runs" aria-rowcount={visibleRows.length + 1} aria-colcount={fixed.length + columns.length} style={{ height: bodyHeight + ROW_HEIGHT }}>
          <RunsHeader
            {...columnWindow}
            sort={sort}
            onSort={sortBy}
            allSelected={allSelected}
            onSelectAll={selectAll}
          />
          {shown.map(({ vr, row }) => (
            <RunRowView key={row.id} row={row} index={vr.index} top={vr.start + ROW_HEIGHT} {...columnWindow} isSelected={selected.has(row.id)} />
          ))}
        </div>
        {/* after the table, so the keyboard reaches the header before the rows */}
        <div className="runs-pinned" style={{ width: pinnedWidth, height: bodyHeight, marginTop: -bodyHeight }}>
          {shown.map(({ vr, row }) => (
            <PinnedCells
              key={row.id}
              row={row}
              top={vr.start}
              fixed={fixed}
              isSelected={selected.has(row.id)}
              isExpanded={expandedIds.has(row.id)}
              onToggle={toggle}
              onToggleExpanded={toggleExpanded}
            />
          ))}
        </div>
      </div>
      {props.loadingMore && <div className="loading-more" role="status">Loading more runs…</div>}
    </div>
  );
}

/** Which columns the header and the rows draw, and the room around them. */
interface ColumnWindow {
  fixed: FixedColumn[];
  /** The width of the first PINNED fixed columns. */
  pinnedWidth: number;
  columns: DataColumn[];
  /** The data columns on screen: [firstCol, endCol). */
  firstCol: number;
  endCol: number;
  leadingSpace: number;
  trailingSpace: number;
  width: number;
}

/** aria-colindex of the i-th data column on screen (1-based, after every fixed column). */
function dataColIndex(w: ColumnWindow, i: number): number {
  return w.fixed.length + w.firstCol + i + 1;
}

interface HeaderProps extends ColumnWindow {
  sort: SortSpec;
  onSort: (sort: SortSpec) => void;
  allSelected: boolean;
  onSelectAll: (checked: boolean) => void;
}

/** The header row. Memoised: a vertical scroll does not render it again. */
const RunsHeader = memo(function RunsHeader(p: HeaderProps) {
  const { fixed, columns, sort } = p;
  const sortState = (spec: SortSpec | undefined): 'ascending' | 'descending' | 'none' => {
    if (!spec || spec.kind !== sort.kind || spec.key !== sort.key) return 'none';
    return sort.asc ? 'ascending' : 'descending';
  };
  const cell = (id: string, colIndex: number, label: string, width: number, spec: SortSpec | undefined, sticky?: number) => {
    const state = sortState(spec);
    return (
      <div
        key={id}
        role="columnheader"
        aria-colindex={colIndex}
        aria-sort={state}
        className={`cell head${sticky !== undefined ? ' sticky' : ''}`}
        style={{ width, left: sticky }}
        title={label}
      >
        {spec ? (
          <button type="button" className="sort" onClick={() => p.onSort({ ...spec, asc: state === 'descending' })}>
            {label}
            <span aria-hidden="true">{state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}</span>
          </button>
        ) : (
          label
        )}
      </div>
    );
  };
  return (
    <div role="row" className="runs-row header" style={{ width: p.width }}>
      {fixed.map((c, i) =>
        c.id === 'select' ? (
          <div key={c.id} role="columnheader" aria-colindex={1} className="cell sticky check" style={{ width: c.width, left: 0 }}>
            <input type="checkbox" aria-label="Select all shown runs" checked={p.allSelected} onChange={(e) => p.onSelectAll(e.target.checked)} />
          </div>
        ) : (
          cell(c.id, i + 1, headerLabel(c.id), c.width, c.sortKey && { ...c.sortKey, asc: false }, i < PINNED ? fixed.slice(0, i).reduce((s, f) => s + f.width, 0) : undefined)
        ),
      )}
      <div className="spacer" style={{ width: p.leadingSpace }} />
      {columns.slice(p.firstCol, p.endCol).map((c, i) => (
        <div key={columnId(c)} className="head-wrap" style={{ width: DATA_WIDTH }}>
          {cell(columnId(c), dataColIndex(p, i), c.key, DATA_WIDTH, { ...c, asc: false })}
          <span className={`kind ${c.kind}`}>{c.kind}</span>
        </div>
      ))}
      <div className="spacer" style={{ width: p.trailingSpace }} />
    </div>
  );
});

/** How many of the fixed columns stay in view while the table scrolls sideways: the checkbox and the run name. */
const PINNED = 2;

/** What the pinned cells and the row of one run both show. */
function rowClass(base: string, r: RunRow, isSelected: boolean): string {
  return `${base}${isSelected ? ' selected' : ''}${r.run.info.lifecycle_stage === 'deleted' ? ' deleted' : ''}`;
}

const pinId = (row: VisibleRow, column: string) => `run-pin-${row.id}-${column}`;

interface PinnedProps {
  row: VisibleRow;
  top: number;
  fixed: FixedColumn[];
  isSelected: boolean;
  isExpanded: boolean;
  onToggle: (id: string) => void;
  onToggleExpanded: (id: string) => void;
}

/**
 * A run's checkbox and name. They live in one pane that sticks to the left edge (one
 * composited layer for all rows, where a sticky cell in every row made a layer each); the
 * run's row owns them through aria-owns.
 */
const PinnedCells = memo(function PinnedCells(p: PinnedProps) {
  const { row, fixed } = p;
  const r = row.row;
  const info = r.run.info;
  const url = `/experiments/${info.experiment_id}/runs/${info.run_id}`;
  return (
    <div className={rowClass('runs-pin', r, p.isSelected)} data-row={row.id} style={{ transform: `translateY(${p.top}px)` }}>
      <div id={pinId(row, 'select')} role="cell" aria-colindex={1} className="cell check" style={{ width: fixed[0]?.width }}>
        <input type="checkbox" aria-label={`Select run ${info.run_name ?? info.run_id}`} checked={p.isSelected} onChange={() => p.onToggle(row.id)} />
      </div>
      <div id={pinId(row, 'name')} role="cell" aria-colindex={2} className="cell name" style={{ width: fixed[1]?.width, paddingLeft: 8 + row.depth * 18 }}>
        {r.subRows.length > 0 ? (
          <button
            type="button"
            className="expander"
            aria-expanded={p.isExpanded}
            aria-label={`${p.isExpanded ? 'Hide' : 'Show'} ${r.subRows.length} child runs`}
            onClick={() => p.onToggleExpanded(row.id)}
          >
            {p.isExpanded ? '▾' : '▸'} <span className="count">{r.subRows.length}</span>
          </button>
        ) : (
          <span className="expander-space" />
        )}
        <Link to={url} title={info.run_name ?? info.run_id}>
          {info.run_name || info.run_id}
        </Link>
      </div>
    </div>
  );
});

interface RowProps extends ColumnWindow {
  row: VisibleRow;
  index: number;
  top: number;
  isSelected: boolean;
}

/**
 * One row, after its pinned cells. Memoised: while scrolling, only the rows that come into
 * view render; the others keep their DOM and move with the scroll container.
 */
const RunRowView = memo(function RunRowView(p: RowProps) {
  const { row, fixed } = p;
  const r = row.row;
  return (
    <div
      role="row"
      aria-rowindex={p.index + 2}
      aria-owns={`${pinId(row, 'select')} ${pinId(row, 'name')}`}
      className={rowClass('runs-row', r, p.isSelected)}
      data-row={row.id}
      style={{ transform: `translateY(${p.top}px)`, width: p.width }}
    >
      <div className="spacer" style={{ width: p.pinnedWidth }} />
      {fixed.slice(PINNED).map((c, i) => (
        <div key={c.id} role="cell" aria-colindex={PINNED + i + 1} className="cell" style={{ width: c.width }}>
          {fixedCell(c.id, r)}
        </div>
      ))}
      <div className="spacer" style={{ width: p.leadingSpace }} />
      {p.columns.slice(p.firstCol, p.endCol).map((c, i) => {
        const v = cellValue(r, c);
        return (
          <div
            key={columnId(c)}
            role="cell"
            aria-colindex={dataColIndex(p, i)}
            className={`cell${c.kind === 'metrics' ? ' num' : ''}`}
            style={{ width: DATA_WIDTH }}
            title={v === undefined ? '' : String(v)}
          >
            {c.kind === 'metrics' ? formatNumber(v as number | undefined) : v}
          </div>
        );
      })}
      <div className="spacer" style={{ width: p.trailingSpace }} />
    </div>
  );
});

function headerLabel(id: string): string {
  return { select: '', name: 'Run name', created: 'Created', duration: 'Duration', status: 'Status', user: 'User', experiment: 'Experiment' }[id] ?? id;
}

function fixedCell(id: string, r: RunRow) {
  const info = r.run.info;
  switch (id) {
    case 'created':
      return formatTime(info.start_time);
    case 'duration':
      return info.status === 'RUNNING' ? '—' : formatDuration(info.start_time, info.end_time);
    case 'status':
      return <span className={`badge ${info.status.toLowerCase()}`}>{info.status}</span>;
    case 'user':
      return info.user_id;
    case 'experiment':
      return info.experiment_id;
    default:
      return null;
  }
}
