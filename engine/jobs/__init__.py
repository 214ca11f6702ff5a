"""Manual actions (Importar, Exportar, Importar Pedidos de Venda) run as jobs, page by page."""
