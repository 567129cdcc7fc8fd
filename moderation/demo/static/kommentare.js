/* Kommentare widget: written in the demo step. */
