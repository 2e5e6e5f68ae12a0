//! The phosphate-additive detector on real ingredient lists (sources named per case).

use vascalc_nutrition::{AdditiveKind, detect_phosphate_additives, has_inorganic_phosphate};

fn e_numbers(text: &str) -> Vec<Option<String>> {
    detect_phosphate_additives(text)
        .into_iter()
        .map(|a| a.e_number)
        .collect()
}

#[test]
fn bisquick_pancake_mix() {
    // Bisquick box as quoted by HuffPost, "Here's Exactly What's In That Store-Bought Pancake Mix".
    let text = "Enriched Flour Bleached (wheat flour, niacin, iron, thiamin mononitrate, riboflavin, folic acid), \
                Partially Hydrogenated Soybean and/or Cottonseed Oil, Leavening (baking soda, sodium aluminum phosphate, \
                monocalcium phosphate), Dextrose, Salt";
    let found = detect_phosphate_additives(text);
    let names: Vec<&str> = found.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["sodium aluminum phosphate", "monocalcium phosphate"]
    );
    assert_eq!(e_numbers(text), [Some("E541".into()), Some("E341".into())]);
    assert!(has_inorganic_phosphate(&found));
}

#[test]
fn kraft_singles() {
    // Kraft Singles, as listed on KCRW Good Food ("American Cheese", Liz Thorpe).
    let text = "Milk, Whey, Milkfat, Milk Protein Concentrate, Salt, Calcium Phosphate, Sodium Citrate, \
                Whey Protein Concentrate, Sodium Phosphate, Sorbic Acid as a preservative, Apocarotenal (color), \
                Annatto (color), Enzymes, Vitamin D3, Cheese Culture.";
    let found = detect_phosphate_additives(text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].text, "Calcium Phosphate");
    assert_eq!(found[1].text, "Sodium Phosphate");
    assert_eq!(e_numbers(text), [Some("E341".into()), Some("E339".into())]);
    // Offsets point into the original text.
    assert_eq!(&text[found[1].start..found[1].end], "Sodium Phosphate");
}

#[test]
fn coca_cola_us() {
    // US 12 fl oz can of Coca-Cola, as quoted by visualfoodie.com.
    let text = "Carbonated Water, High Fructose Corn Syrup, Caramel Color, Phosphoric Acid, Natural Flavors, Caffeine";
    let found = detect_phosphate_additives(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "phosphoric acid");
    assert_eq!(found[0].e_number.as_deref(), Some("E338"));
    assert_eq!(found[0].kind, AdditiveKind::Inorganic);
}

#[test]
fn cheez_whiz() {
    // Cheez Whiz ingredients as listed by 121bestadvisor.com.
    let text = "whey, sodium phosphate, whey protein concentrate, butterfat, skim milk, salt, Worcestershire sauce, \
                flour of mustard, lactic acid, sorbic acid, oleoresin of achiote and paprika";
    assert_eq!(e_numbers(text), [Some("E339".into())]);
}

#[test]
fn negatives() {
    // The enriched-flour part of the Bisquick list: riboflavin is not riboflavin phosphate.
    let flour = "Enriched Flour Bleached (wheat flour, niacin, iron, thiamin mononitrate, riboflavin, folic acid)";
    assert!(detect_phosphate_additives(flour).is_empty());
    // Dark chocolate, chocoler.com: lecithin is a phospholipid, not an additive phosphate.
    let chocolate = "chocolate liquor, cocoa butter, sugar, vanilla, and lecithin";
    assert!(detect_phosphate_additives(chocolate).is_empty());
    // A supplement-style list with phosphatidylcholine and the nutrient name.
    let supplement = "Sunflower lecithin (phosphatidylcholine), gelatin capsule. Phosphorus 20 mg.";
    assert!(detect_phosphate_additives(supplement).is_empty());
    // An EU label with non-phosphate modified starch and E-numbers near the phosphate ones.
    let eu =
        "water, modified starch (E1422), acidity regulator (E330, E331), emulsifier (E471), E3390";
    assert!(detect_phosphate_additives(eu).is_empty());
}

#[test]
fn eu_labels_with_codes() {
    let text =
        "pork 87%, water, salt, stabilisers (E450, E451), antioxidant (E301), preservative (E250)";
    assert_eq!(e_numbers(text), [Some("E450".into()), Some("E451".into())]);
    let minor = "milk, sugar, modified starch (E1442), flavour enhancer E635";
    let found = detect_phosphate_additives(minor);
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|a| a.kind.is_minor()));
    assert!(!has_inorganic_phosphate(&found));
}
