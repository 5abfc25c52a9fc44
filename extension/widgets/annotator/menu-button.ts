/**
 * A button that opens a menu of choices (role=menu with menuitemradio items): the widget's
 * replacement for <select>, whose options would read as more "options" next to the turns.
 * Keys in the open menu: ↑/↓, Home/End, Enter or space to choose, Esc to close.
 */
import { el } from './dom';

export interface IMenuChoice {
  value: string;
  label: string;
  /** Indent level (sub-codes under their family). */
  depth?: number;
  /** A colour swatch shown before the label, or null. */
  colour?: string | null;
}

export class MenuButton {
  readonly node: HTMLElement;

  constructor(
    private readonly name: string,
    private readonly onChange: (value: string) => void
  ) {
    this.node = el('span', 'jp-attune-MenuButton');
    this.button = el('button', 'jp-attune-Button jp-attune-MenuButton-button');
    this.button.type = 'button';
    this.button.setAttribute('aria-haspopup', 'menu');
    this.button.setAttribute('aria-expanded', 'false');
    this.menu = el('ul', 'jp-attune-MenuButton-menu');
    this.menu.setAttribute('role', 'menu');
    this.menu.setAttribute('aria-label', name);
    this.menu.hidden = true;
    this.node.append(this.button, this.menu);
    this.button.addEventListener('click', this.onButtonClick);
    this.menu.addEventListener('click', this.onMenuClick);
    this.menu.addEventListener('keydown', this.onMenuKeydown);
  }

  get value(): string {
    return this._value;
  }

  set value(value: string) {
    this._value = value;
    this.renderButton();
  }

  setChoices(choices: readonly IMenuChoice[], value: string): void {
    this.choices = [...choices];
    this._value = choices.some(c => c.value === value) ? value : (choices[0]?.value ?? '');
    this.renderButton();
    if (!this.menu.hidden) {
      this.renderMenu();
    }
  }

  close(focusButton = true): void {
    if (this.menu.hidden) {
      return;
    }
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', this.onOutside, true);
    if (focusButton) {
      this.button.focus();
    }
  }

  dispose(): void {
    this.close(false);
    this.button.removeEventListener('click', this.onButtonClick);
    this.menu.removeEventListener('click', this.onMenuClick);
    this.menu.removeEventListener('keydown', this.onMenuKeydown);
  }

  private renderButton(): void {
    const choice = this.choices.find(c => c.value === this._value);
    this.button.textContent = `${this.name}: ${choice?.label ?? ''} ▾`;
  }

  private renderMenu(): void {
    this.menu.replaceChildren(
      ...this.choices.map(choice => {
        const item = el('li', 'jp-attune-MenuButton-item');
        item.setAttribute('role', 'menuitemradio');
        item.setAttribute('aria-checked', String(choice.value === this._value));
        item.dataset.value = choice.value;
        item.tabIndex = -1;
        item.style.paddingLeft = `${0.5 + (choice.depth ?? 0)}em`;
        if (choice.colour) {
          const swatch = el('span', 'jp-attune-Codebook-swatch');
          swatch.style.setProperty('--jp-attune-code-colour', choice.colour);
          item.append(swatch);
        }
        item.append(el('span', '', choice.label));
        return item;
      })
    );
  }

  private open(): void {
    this.renderMenu();
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', this.onOutside, true);
    const items = this.items();
    (items.find(i => i.getAttribute('aria-checked') === 'true') ?? items[0])?.focus();
  }

  private items(): HTMLElement[] {
    return Array.from(this.menu.querySelectorAll<HTMLElement>('[role="menuitemradio"]'));
  }

  private choose(value: string): void {
    const changed = value !== this._value;
    this._value = value;
    this.renderButton();
    this.close();
    if (changed) {
      this.onChange(value);
    }
  }

  private readonly onButtonClick = (): void => {
    if (this.menu.hidden) {
      this.open();
    } else {
      this.close();
    }
  };

  private readonly onMenuClick = (event: MouseEvent): void => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[role="menuitemradio"]');
    if (item?.dataset.value !== undefined) {
      this.choose(item.dataset.value);
    }
  };

  private readonly onOutside = (event: PointerEvent): void => {
    if (!this.node.contains(event.target as Node)) {
      this.close(false);
    }
  };

  private readonly onMenuKeydown = (event: KeyboardEvent): void => {
    const items = this.items();
    const at = items.indexOf(event.target as HTMLElement);
    switch (event.key) {
      case 'ArrowDown':
        items[Math.min(items.length - 1, at + 1)]?.focus();
        break;
      case 'ArrowUp':
        items[Math.max(0, at - 1)]?.focus();
        break;
      case 'Home':
        items[0]?.focus();
        break;
      case 'End':
        items[items.length - 1]?.focus();
        break;
      case 'Enter':
      case ' ': {
        const value = items[at]?.dataset.value;
        if (value !== undefined) {
          this.choose(value);
        }
        break;
      }
      case 'Escape':
        this.close();
        break;
      case 'Tab':
        this.close(false);
        return;
      default:
        break; // no code keys while the menu is open
    }
    event.preventDefault();
    event.stopPropagation();
  };

  private readonly button: HTMLButtonElement;
  private readonly menu: HTMLUListElement;
  private choices: IMenuChoice[] = [];
  private _value = '';
}
