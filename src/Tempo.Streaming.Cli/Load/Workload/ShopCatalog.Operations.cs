namespace Tempo.Streaming.Cli.Load.Workload;

internal sealed partial class ShopCatalog
{
    private const DynamicAttributes BrowserRequest =
        DynamicAttributes.ClientAddress | DynamicAttributes.UserAgent | DynamicAttributes.HttpStatus | DynamicAttributes.UserId;

    /// <summary>
    /// The shop's call graph. Weights are relative pick probabilities; costs share a parent's time among children.
    /// </summary>
    private static (Route[] Routes, Call[][] CallTables, Call[] LeafCalls) BuildOperations(TemplateBuilder b)
    {
        const DynamicAttributes none = DynamicAttributes.None;

        // --- gRPC operations (client in the caller, server in the callee) ---
        var verifyToken = b.Rpc(ShopService.Frontend, ShopService.Auth, "AuthService", "VerifyToken", 1, DynamicAttributes.UserId,
            "token signature verification failed", "io.grpc.StatusRuntimeException", cost: 0.4);
        var login = b.Rpc(ShopService.Frontend, ShopService.Auth, "AuthService", "Login", 1, DynamicAttributes.UserId,
            "credential store unavailable", "io.grpc.StatusRuntimeException");
        var getProductFromFrontend = b.Rpc(ShopService.Frontend, ShopService.Catalog, "ProductCatalogService", "GetProduct", 3,
            DynamicAttributes.ProductId, "product lookup failed: context deadline exceeded", "*status.Error");
        var listProducts = b.Rpc(ShopService.Frontend, ShopService.Catalog, "ProductCatalogService", "ListProducts", 2, none,
            "list products: connection pool exhausted", "*status.Error", cost: 1.5);
        var getCartFromFrontend = b.Rpc(ShopService.Frontend, ShopService.Cart, "CartService", "GetCart", 1.5,
            DynamicAttributes.UserId | DynamicAttributes.CartItems, "cart store timeout", "Grpc.Core.RpcException");
        var addItem = b.Rpc(ShopService.Frontend, ShopService.Cart, "CartService", "AddItem", 1,
            DynamicAttributes.UserId | DynamicAttributes.ProductId, "cart store timeout", "Grpc.Core.RpcException");
        var placeOrder = b.Rpc(ShopService.Frontend, ShopService.Checkout, "CheckoutService", "PlaceOrder", 1,
            DynamicAttributes.UserId | DynamicAttributes.OrderId, "order placement failed: payment declined", "*status.Error", cost: 3);

        var getProductFromCart = b.Rpc(ShopService.Cart, ShopService.Catalog, "ProductCatalogService", "GetProduct", 1.5,
            DynamicAttributes.ProductId, "product lookup failed: context deadline exceeded", "*status.Error");
        var getCartFromCheckout = b.Rpc(ShopService.Checkout, ShopService.Cart, "CartService", "GetCart", 2,
            DynamicAttributes.UserId | DynamicAttributes.CartItems, "cart store timeout", "Grpc.Core.RpcException");
        var getProductFromCheckout = b.Rpc(ShopService.Checkout, ShopService.Catalog, "ProductCatalogService", "GetProduct", 3,
            DynamicAttributes.ProductId, "product lookup failed: context deadline exceeded", "*status.Error");
        var charge = b.Rpc(ShopService.Checkout, ShopService.Payment, "PaymentService", "Charge", 2,
            DynamicAttributes.OrderId | DynamicAttributes.UserId, "card declined: insufficient funds", "PaymentDeclinedError", cost: 2);
        var quote = b.Rpc(ShopService.Checkout, ShopService.Shipping, "ShippingService", "GetQuote", 1.5,
            DynamicAttributes.OrderId, "no carrier serves the destination zone", "grpc.RpcError");
        var shipOrder = b.Rpc(ShopService.Checkout, ShopService.Shipping, "ShippingService", "ShipOrder", 1.5,
            DynamicAttributes.OrderId, "carrier API rejected the shipment", "grpc.RpcError", cost: 1.5);
        var emptyCart = b.Rpc(ShopService.Checkout, ShopService.Cart, "CartService", "EmptyCart", 1,
            DynamicAttributes.UserId, "cart store timeout", "Grpc.Core.RpcException", cost: 0.5);
        var verifyFromPayment = b.Rpc(ShopService.Payment, ShopService.Auth, "AuthService", "VerifyToken", 0.5,
            DynamicAttributes.UserId, "token signature verification failed", "io.grpc.StatusRuntimeException", cost: 0.4);

        // Kafka: checkout publishes the order, shipping consumes it (a PRODUCER → CONSUMER pair in the same trace).
        var publish = b.Add(ShopService.Checkout, ShopScope.Messaging, KindProducer, "orders publish",
            [
                StringAttr("messaging.system", "kafka"),
                StringAttr("messaging.destination.name", "orders"),
                StringAttr("messaging.operation.type", "publish"),
                StringAttr("server.address", "kafka.shop.svc.cluster.local"),
                IntAttr("server.port", 9092),
            ],
            DynamicAttributes.OrderId, "kafka: Broker: Not enough in-sync replicas", "kafka.Error", 0.3);
        var consume = b.Add(ShopService.Shipping, ShopScope.Messaging, KindConsumer, "orders process",
            [
                StringAttr("messaging.system", "kafka"),
                StringAttr("messaging.destination.name", "orders"),
                StringAttr("messaging.operation.type", "process"),
                StringAttr("messaging.consumer.group.name", "shipping"),
                IntAttr("messaging.destination.partition.id", 3),
            ],
            DynamicAttributes.OrderId, "shipment handler failed", "ShipmentError", 1, expandable: true);
        publish.ServerTemplate = consume.Index;
        var publishOrder = new Call(publish.Index, 1, IsPair: true);

        // --- database queries ---
        var cartSelect = b.Query(ShopService.Cart, "SELECT", "cart_items",
            "SELECT product_id, quantity, added_at FROM cart_items WHERE cart_id = $1 ORDER BY added_at", 3, 0.4, "cart_svc");
        var cartUpsert = b.Query(ShopService.Cart, "INSERT", "cart_items",
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES ($1, $2, $3, now()) " +
            "ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity", 1.5, 0.6, "cart_svc");
        var cartDelete = b.Query(ShopService.Cart, "DELETE", "cart_items", "DELETE FROM cart_items WHERE cart_id = $1", 0.5, 0.4,
            "cart_svc");
        var productSelect = b.Query(ShopService.Catalog, "SELECT", "products",
            "SELECT id, name, description, picture_url, price_units, price_nanos, currency_code, categories FROM products WHERE id = $1",
            3, 0.5, "catalog_svc");
        var productList = b.Query(ShopService.Catalog, "SELECT", "products",
            "SELECT id, name, picture_url, price_units, currency_code FROM products WHERE categories && $1 " +
            "ORDER BY popularity DESC LIMIT 24", 1.5, 1.2, "catalog_svc");
        var orderInsert = b.Query(ShopService.Checkout, "INSERT", "orders",
            "INSERT INTO orders (id, user_id, status, total_units, currency_code, created_at) VALUES ($1, $2, 'pending', $3, $4, now())",
            1.5, 0.6, "checkout_svc");
        var orderUpdate = b.Query(ShopService.Checkout, "UPDATE", "orders",
            "UPDATE orders SET status = $2, updated_at = now() WHERE id = $1", 1, 0.5, "checkout_svc");
        var paymentInsert = b.Query(ShopService.Payment, "INSERT", "payments",
            "INSERT INTO payments (order_id, amount_units, currency_code, card_last4, status) VALUES ($1, $2, $3, $4, 'authorized') " +
            "RETURNING id", 2, 0.6, "payment_svc");
        var ratesSelect = b.Query(ShopService.Shipping, "SELECT", "shipping_rates",
            "SELECT carrier, service_level, base_cost_units FROM shipping_rates WHERE zone = $1 AND weight_class = $2", 2, 0.4,
            "shipping_svc");
        var shipmentInsert = b.Query(ShopService.Shipping, "INSERT", "shipments",
            "INSERT INTO shipments (order_id, carrier, tracking_id, address_hash) VALUES ($1, $2, $3, $4)", 1.5, 0.5, "shipping_svc");
        var userSelect = b.Query(ShopService.Auth, "SELECT", "users",
            "SELECT id, password_hash, roles, disabled FROM users WHERE email = $1", 1, 0.5, "auth_svc");
        var sessionSelect = b.Query(ShopService.Auth, "SELECT", "sessions",
            "SELECT user_id, expires_at, scopes FROM sessions WHERE token_hash = $1 AND revoked = false", 2, 0.4, "auth_svc");

        // --- single spans: internal work, caches, third-party APIs ---
        var renderPage = b.Internal(ShopService.Frontend, "render page", "renderPage", "/usr/src/app/frontend/render.js", 88, 2, 0.8);
        var parseCookie = b.Internal(ShopService.Frontend, "parse session cookie", "parseSession", "/usr/src/app/frontend/session.js",
            31, 1, 0.1);
        var mergeCart = b.Internal(ShopService.Cart, "merge guest cart", "MergeGuestCart", "/src/Cart/Services/CartMerger.cs", 54, 1,
            0.2);
        var cartCache = b.Cache(ShopService.Cart, "HGETALL", "HGETALL cart:?", 2);
        var prepareItems = b.Internal(ShopService.Checkout, "prepare order items", "prepareOrderItems",
            "/app/internal/checkout/items.go", 77, 1.5, 0.4);
        var computeTax = b.Internal(ShopService.Checkout, "compute tax", "computeTax", "/app/internal/checkout/tax.go", 23, 1, 0.3);
        var validateCard = b.Internal(ShopService.Payment, "validate card", "validateCard", "/usr/src/app/payment/card.js", 19, 1.5,
            0.2);
        var gateway = b.ExternalHttp(ShopService.Payment, "POST", "https://api.payments-gateway.example/v1/charges",
            "api.payments-gateway.example", 2, 2.5);
        var computeQuote = b.Internal(ShopService.Shipping, "compute quote", "compute_quote", "/app/shipping/quote.py", 64, 1, 0.3);
        var carrierApi = b.ExternalHttp(ShopService.Shipping, "POST", "https://api.carrier.example/v2/shipments",
            "api.carrier.example", 1, 2);
        var productCache = b.Cache(ShopService.Catalog, "GET", "GET product:?", 3);
        var convertCurrency = b.Internal(ShopService.Catalog, "convert currency", "convertCurrency",
            "/app/internal/catalog/currency.go", 140, 1, 0.1);
        var verifySignature = b.Internal(ShopService.Auth, "verify jwt signature", "verifySignature",
            "shop/auth/jwt/JwtVerifier.java", 96, 2, 0.2);

        // --- the frontend's root spans, one per route ---
        Route RouteOf(string method, string route, DynamicAttributes extra, Call[] script, double medianMs, double weight,
            bool placesOrder = false)
        {
            var attributes = new List<byte[]>
            {
                StringAttr("http.request.method", method),
                StringAttr("http.route", route),
                StringAttr("url.scheme", "https"),
                StringAttr("server.address", "shop.example.com"),
                IntAttr("server.port", 443),
                StringAttr("network.protocol.version", "1.1"),
            };
            if ((extra & DynamicAttributes.UrlPathProduct) == 0)
            {
                attributes.Add(StringAttr("url.path", route));
            }
            var root = b.Add(ShopService.Frontend, ShopScope.Rpc, KindServer, $"{method} {route}", attributes.ToArray(),
                BrowserRequest | extra, "internal server error", "Error", 1, expandable: true,
                successHttpStatus: method == "POST" ? 201 : 200);
            return new Route(root.Index, script, medianMs, weight, placesOrder);
        }

        var routes = new[]
        {
            RouteOf("GET", "/", none, [listProducts], 40, 0.25),
            RouteOf("GET", "/api/products/{id}", DynamicAttributes.UrlPathProduct | DynamicAttributes.ProductId,
                [getProductFromFrontend], 30, 0.35),
            RouteOf("GET", "/api/cart", DynamicAttributes.CartItems, [verifyToken, getCartFromFrontend], 35, 0.15),
            RouteOf("POST", "/api/cart/items", none, [verifyToken, addItem], 45, 0.12),
            RouteOf("POST", "/api/checkout", DynamicAttributes.OrderId, [verifyToken, placeOrder], 250, 0.08, placesOrder: true),
            RouteOf("POST", "/api/login", none, [login], 80, 0.05),
        };

        var tables = new Call[ServiceCount][];
        tables[(int)ShopService.Frontend] = [verifyToken, getProductFromFrontend, listProducts, getCartFromFrontend, renderPage, parseCookie];
        tables[(int)ShopService.Cart] = [cartSelect, cartUpsert, cartDelete, getProductFromCart, mergeCart, cartCache];
        tables[(int)ShopService.Checkout] =
        [
            getCartFromCheckout, getProductFromCheckout, charge, quote, shipOrder, emptyCart, orderInsert, orderUpdate,
            prepareItems, computeTax, publishOrder,
        ];
        tables[(int)ShopService.Payment] = [paymentInsert, gateway, validateCard, verifyFromPayment];
        tables[(int)ShopService.Shipping] = [ratesSelect, shipmentInsert, carrierApi, computeQuote];
        tables[(int)ShopService.Catalog] = [productSelect, productList, productCache, convertCurrency];
        tables[(int)ShopService.Auth] = [sessionSelect, userSelect, verifySignature];
        tables[(int)ShopService.Postgres] = [];

        var leaves = new Call[ServiceCount];
        leaves[(int)ShopService.Frontend] = renderPage;
        leaves[(int)ShopService.Cart] = cartCache;
        leaves[(int)ShopService.Checkout] = computeTax;
        leaves[(int)ShopService.Payment] = validateCard;
        leaves[(int)ShopService.Shipping] = computeQuote;
        leaves[(int)ShopService.Catalog] = productCache;
        leaves[(int)ShopService.Auth] = verifySignature;
        leaves[(int)ShopService.Postgres] = renderPage; // never used: postgres spans do not expand
        return (routes, tables, leaves);
    }
}
