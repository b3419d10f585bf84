/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.sample;

import dev.slotwise.buffer.WriteResult;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample's HTTP API.
 */
@RestController
class SampleController {

	private final Catalogue catalogue;

	private final Carts carts;

	private final OrderHistory orderHistory;

	SampleController(Catalogue catalogue, Carts carts, OrderHistory orderHistory) {
		this.catalogue = catalogue;
		this.carts = carts;
		this.orderHistory = orderHistory;
	}

	@GetMapping("/products/{id}")
	Catalogue.Product product(@PathVariable String id) {
		return this.catalogue.product(id);
	}

	@PutMapping("/products/{id}")
	Catalogue.Product update(@PathVariable String id, @RequestBody Catalogue.Product product) {
		return this.catalogue.update(new Catalogue.Product(id, product.name(), product.priceCents()));
	}

	@DeleteMapping("/products/{id}")
	ResponseEntity<Void> remove(@PathVariable String id) {
		this.catalogue.remove(id);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/users/{id}")
	Carts.Summary summary(@PathVariable String id) {
		return this.carts.summary(id);
	}

	@GetMapping("/users/{id}/orders")
	OrderHistory.Orders orders(@PathVariable String id, @RequestParam(defaultValue = "open") String status) {
		return this.orderHistory.orders(id, status);
	}

	@PostMapping("/users/{id}/orders")
	ResponseEntity<OrderHistory.Order> placeOrder(@PathVariable String id) {
		return ResponseEntity.status(HttpStatus.CREATED).body(this.orderHistory.place(id));
	}

	@PutMapping("/users/{id}/cart")
	ResponseEntity<WriteResult> saveCart(@PathVariable String id, @RequestBody String cart) {
		return answer(this.carts.saveCart(id, cart));
	}

	@PutMapping("/users/{id}/profile")
	ResponseEntity<WriteResult> saveProfile(@PathVariable String id, @RequestBody String profile) {
		return answer(this.carts.saveProfile(id, profile));
	}

	/**
	 * 200 when in Redis, 202 when buffered (accepted, replayed later), 503 when refused.
	 */
	private static ResponseEntity<WriteResult> answer(WriteResult result) {
		HttpStatus status = switch (result.status()) {
			case WRITTEN -> HttpStatus.OK;
			case BUFFERED -> HttpStatus.ACCEPTED;
			case REJECTED -> HttpStatus.SERVICE_UNAVAILABLE;
		};
		return ResponseEntity.status(status).body(result);
	}

}
