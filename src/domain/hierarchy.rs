//! Trees by parent links: departments, and positions by reports-to.

use std::collections::HashMap;

/// True when making `new_parent` the parent of `id` would close a loop.
///
/// `parents` maps every node to its current parent. A walk longer than the
/// map is treated as a loop too, so corrupt data cannot hang the check.
pub fn creates_cycle(id: &str, new_parent: Option<&str>, parents: &HashMap<String, String>) -> bool {
    let mut current = new_parent.map(str::to_string);
    let mut steps = 0;
    while let Some(node) = current {
        if node == id || steps > parents.len() {
            return true;
        }
        steps += 1;
        current = parents.get(&node).cloned();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect()
    }

    #[test]
    fn self_parent_is_a_cycle() {
        assert!(creates_cycle("a", Some("a"), &tree(&[])));
    }

    #[test]
    fn descendant_as_parent_is_a_cycle() {
        // c -> b -> a; making c the parent of a closes the loop.
        let t = tree(&[("b", "a"), ("c", "b")]);
        assert!(creates_cycle("a", Some("c"), &t));
        assert!(!creates_cycle("c", Some("a"), &t));
        assert!(!creates_cycle("a", None, &t));
    }

    #[test]
    fn existing_loop_does_not_hang() {
        let t = tree(&[("x", "y"), ("y", "x")]);
        assert!(creates_cycle("a", Some("x"), &t));
    }
}
