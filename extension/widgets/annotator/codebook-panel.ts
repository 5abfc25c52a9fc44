/**
 * The codebook as a tree: families (top-level codes) with their sub-codes, collapsible, each code
 * with its key. Clicking a code, or Enter/space on it, applies it to the current moment.
 */
import type { ICodeRecord } from '../../src/api-types';

import { el } from './dom';

export class CodebookPanel {
  readonly node: HTMLElement;

  constructor(private readonly onApply: (codeId: string) => void) {
    this.node = el('section', 'jp-attune-Codebook');
    this.node.setAttribute('aria-label', 'Codebook');
    this.tree = el('ul', 'jp-attune-Codebook-tree');
    this.tree.setAttribute('role', 'tree');
    this.tree.setAttribute('aria-label', 'Codebook');
    this.node.append(el('h3', 'jp-attune-Annotator-heading', 'Codes'), this.tree);
    this.tree.addEventListener('click', this.onClick);
    this.tree.addEventListener('keydown', this.onKeydown);
  }

  render(codes: readonly ICodeRecord[], readOnly: boolean): void {
    this.tree.setAttribute('aria-readonly', String(readOnly));
    const children = new Map<string | null, ICodeRecord[]>();
    for (const code of codes) {
      const list = children.get(code.parent) ?? [];
      list.push(code);
      children.set(code.parent, list);
    }
    const build = (code: ICodeRecord, level: number): HTMLLIElement => {
      const item = el('li', 'jp-attune-Codebook-item');
      item.setAttribute('role', 'treeitem');
      item.setAttribute('aria-level', String(level));
      item.setAttribute('aria-label', `${code.label}, key ${code.key}`);
      item.setAttribute('aria-keyshortcuts', code.key);
      item.dataset.codeId = code.id;
      item.dataset.depth = String(code.depth);
      item.tabIndex = -1;
      item.style.setProperty('--jp-attune-code-colour', code.colour);
      const row = el('div', 'jp-attune-Codebook-row');
      row.title = code.definition;
      const toggle = el('span', 'jp-attune-Codebook-toggle');
      toggle.setAttribute('aria-hidden', 'true');
      row.append(
        toggle,
        el('span', 'jp-attune-Codebook-swatch'),
        el('kbd', 'jp-attune-Codebook-key', code.key),
        el('span', 'jp-attune-Codebook-label', code.label)
      );
      item.append(row);
      const kids = children.get(code.id) ?? [];
      if (kids.length > 0) {
        const expanded = !this.collapsed.has(code.id);
        item.setAttribute('aria-expanded', String(expanded));
        toggle.textContent = expanded ? '▾' : '▸';
        const group = el('ul', 'jp-attune-Codebook-group');
        group.setAttribute('role', 'group');
        group.hidden = !expanded;
        group.append(...kids.map(kid => build(kid, level + 1)));
        item.append(group);
      }
      return item;
    };
    const ids = new Set(codes.map(c => c.id));
    const roots = codes.filter(c => c.parent === null || !ids.has(c.parent));
    this.tree.replaceChildren(...roots.map(code => build(code, 1)));
    const first = this.visibleItems()[0];
    if (first) {
      first.tabIndex = 0;
    }
  }

  dispose(): void {
    this.tree.removeEventListener('click', this.onClick);
    this.tree.removeEventListener('keydown', this.onKeydown);
  }

  private visibleItems(): HTMLElement[] {
    return Array.from(this.tree.querySelectorAll<HTMLElement>('[role="treeitem"]')).filter(
      item => item.closest('[role="group"][hidden]') === null
    );
  }

  private setExpanded(item: HTMLElement, expanded: boolean): void {
    const group = item.querySelector<HTMLElement>(':scope > [role="group"]');
    if (!group) {
      return;
    }
    group.hidden = !expanded;
    item.setAttribute('aria-expanded', String(expanded));
    const toggle = item.querySelector(
      ':scope > .jp-attune-Codebook-row > .jp-attune-Codebook-toggle'
    );
    if (toggle) {
      toggle.textContent = expanded ? '▾' : '▸';
    }
    const id = item.dataset.codeId ?? '';
    if (expanded) {
      this.collapsed.delete(id);
    } else {
      this.collapsed.add(id);
    }
  }

  private focusItem(item: HTMLElement | undefined): void {
    if (!item) {
      return;
    }
    for (const other of this.tree.querySelectorAll<HTMLElement>('[role="treeitem"]')) {
      other.tabIndex = other === item ? 0 : -1;
    }
    item.focus();
  }

  private readonly onClick = (event: MouseEvent): void => {
    const target = event.target as HTMLElement;
    const item = target.closest<HTMLElement>('[role="treeitem"]');
    if (!item) {
      return;
    }
    if (target.closest('.jp-attune-Codebook-toggle')) {
      this.setExpanded(item, item.getAttribute('aria-expanded') !== 'true');
      return;
    }
    if (item.dataset.codeId) {
      this.onApply(item.dataset.codeId);
    }
  };

  private readonly onKeydown = (event: KeyboardEvent): void => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (!item || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const items = this.visibleItems();
    const index = items.indexOf(item);
    const expanded = item.getAttribute('aria-expanded');
    switch (event.key) {
      case 'ArrowDown':
        this.focusItem(items[index + 1]);
        break;
      case 'ArrowUp':
        this.focusItem(items[index - 1]);
        break;
      case 'Home':
        this.focusItem(items[0]);
        break;
      case 'End':
        this.focusItem(items[items.length - 1]);
        break;
      case 'ArrowRight':
        if (expanded === 'false') {
          this.setExpanded(item, true);
        } else if (expanded === 'true') {
          this.focusItem(items[index + 1]);
        }
        break;
      case 'ArrowLeft':
        if (expanded === 'true') {
          this.setExpanded(item, false);
        } else {
          this.focusItem(
            item.parentElement?.closest<HTMLElement>('[role="treeitem"]') ?? undefined
          );
        }
        break;
      case 'Enter':
      case ' ':
        if (item.dataset.codeId) {
          this.onApply(item.dataset.codeId);
        }
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  private readonly tree: HTMLUListElement;
  private readonly collapsed = new Set<string>();
}
