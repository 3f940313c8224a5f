-- Reference data: the global catalogue every tenant orders from. Deleting a tenant must leave it untouched.
insert into products (sku, name, price)
values ('KB-101', 'Mechanical keyboard', 89.00),
       ('MS-202', 'Wireless mouse', 29.90),
       ('MN-303', '27-inch monitor', 249.00),
       ('HS-404', 'Noise-cancelling headset', 139.50),
       ('DK-505', 'USB-C dock', 119.00),
       ('CB-606', 'USB-C cable, 2 m', 12.90),
       ('WC-707', 'HD webcam', 64.00),
       ('LS-808', 'Laptop stand', 39.00),
       ('CH-909', 'Ergonomic chair', 329.00),
       ('DL-010', 'Desk lamp', 44.50);
