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

import java.util.List;

import dev.slotwise.ratelimit.RateLimited;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An expensive endpoint, limited per client: the {@code search} limit in
 * {@code application.yml}, counted per {@code X-Api-Key} header.
 */
@RestController
class SearchController {

	private final Catalogue catalogue;

	SearchController(Catalogue catalogue) {
		this.catalogue = catalogue;
	}

	@GetMapping("/search")
	@RateLimited(value = "search", subject = "#request.getHeader('X-Api-Key')")
	List<Catalogue.Product> search(@RequestParam String q) {
		return List.of(this.catalogue.product(q));
	}

}
